"""The command line: the only place that reads argv and writes to the terminal."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from carepath import commands
from carepath.problems import Report, ToolkitError

ROOT_HELP = "the toolkit's folder (default: the current folder)"


def _print_report(report: Report, strict: bool) -> None:
    """Print every problem, then the count, to stderr."""
    for problem in report.sorted():
        print(problem.format(), file=sys.stderr)
    verdict = "failed" if report.failed(strict) else "ok"
    print(f"check {verdict}: {report.summary()}", file=sys.stderr)


def _progress(message: str) -> None:
    """Show a build step on stderr."""
    print(f"  {message}", file=sys.stderr, flush=True)


def _date(value: str) -> dt.date:
    """Parse --today."""
    return dt.date.fromisoformat(value)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the toolkit without writing anything."""
    _, report = commands.check(args.root, args.today)
    _print_report(report, args.strict)
    return 1 if report.failed(args.strict) else 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build the website and every PDF into the site folder."""
    site_dir = (args.site_dir or args.root / "site").resolve()
    try:
        result = commands.build(args.root, site_dir, _progress, args.strict, args.workers, args.today)
    except ToolkitError as error:
        _print_report(error.report, args.strict)
        print("build stopped: nothing was written; the previous site is unchanged", file=sys.stderr)
        return 1
    if result.report.problems:
        _print_report(result.report, args.strict)
    seconds = result.seconds
    print(
        f"built {result.pages} pages and {result.pdfs} PDFs ({result.pdfs_reused} reused) in "
        f"{len(result.search_entries)} languages into {site_dir} in {seconds['total']:.1f} s "
        f"(site {seconds.get('site', 0):.1f} s, PDFs {seconds.get('pdf', 0):.1f} s)",
        file=sys.stderr,
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve a live preview that rebuilds when sources change."""
    from mkdocs.livereload import LiveReloadServer

    site_dir = Path(tempfile.mkdtemp(prefix="carepath-serve-")) / "site"

    def rebuild() -> None:
        """Rebuild after a change; report problems instead of stopping the server."""
        try:
            commands.build(args.root, site_dir, _progress, workers=args.workers)
        except ToolkitError as error:
            _print_report(error.report, False)
            print("not rebuilt: fix the problems above; the preview shows the last good build", file=sys.stderr)

    rebuild()
    server = LiveReloadServer(builder=rebuild, host=args.host, port=args.port, root=str(site_dir))
    for folder in ("content", "locales", "templates", "print", "mkdocs.yml"):
        if (args.root / folder).exists():
            server.watch(str(args.root / folder))
    print(f"serving on http://{args.host}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser for build.py and its commands."""
    main = argparse.ArgumentParser(
        prog="build.py",
        description="Build a carepath toolkit into a multilingual website and printable PDFs.",
    )
    main.set_defaults(func=cmd_build, root=Path("."), site_dir=None, strict=False, workers=None, today=None)
    sub = main.add_subparsers(title="commands", metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        """Options every command takes."""
        p.add_argument("--root", type=Path, default=Path("."), help=ROOT_HELP)
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")
        p.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)

    b = sub.add_parser("build", help="build the site and PDFs into site/ (the default)",
                       description="Check the toolkit, then build the website and every PDF. "
                                   "site/ is replaced only when everything succeeded.")
    common(b)
    b.add_argument("--site-dir", type=Path, default=None, help="where to write the site (default: site/)")
    b.add_argument("--workers", type=int, default=None, help="processes for PDFs (default: one per core)")
    b.set_defaults(func=cmd_build)

    c = sub.add_parser("check", help="check the toolkit without writing anything",
                       description="Report every problem in content/ and locales/ as file:line:column. "
                                   "Exit status 1 on errors (or on warnings with --strict).")
    common(c)
    c.set_defaults(func=cmd_check)

    s = sub.add_parser("serve", help="live preview that rebuilds on every change",
                       description="Build, serve the site locally, and rebuild when content, locales, "
                                   "templates, print or mkdocs.yml change. Unchanged PDFs are reused.")
    common(s)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.add_argument("--workers", type=int, default=None, help="processes for PDFs (default: one per core)")
    s.set_defaults(func=cmd_serve)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run build.py with `argv`; return the exit status."""
    args = parser().parse_args(argv)
    args.root = args.root.resolve()
    return int(args.func(args))
