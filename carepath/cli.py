"""The command line: the only place that reads argv and writes to the terminal."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import traceback
from pathlib import Path

from carepath import commands
from carepath.load import Sources
from carepath.messages import text
from carepath.problems import Report, ToolkitError

ROOT_HELP = "the toolkit's folder (default: the current folder)"


def _print_report(report: Report, strict: bool) -> None:
    """Print every problem, then the count, to stderr."""
    for problem in report.sorted():
        print(problem.format(), file=sys.stderr)
    verdict = "failed" if report.failed(strict) else "ok"
    print(text("check.verdict", verdict=verdict, summary=report.summary()), file=sys.stderr)


def _progress(message: str) -> None:
    """Show a build step on stderr."""
    print(f"  {message}", file=sys.stderr, flush=True)


def _date(value: str) -> dt.date:
    """Parse --today."""
    return dt.date.fromisoformat(value)


def _checked_sources(root: Path) -> Sources | None:
    """The toolkit's sources, or None after printing the errors that keep a command from using them."""
    checked = commands.check(commands.CheckOptions(root))
    sources, report = checked.sources, checked.report
    if report.errors:
        _print_report(report, False)
        return None
    return sources


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the toolkit without writing anything."""
    report = commands.check(commands.CheckOptions(args.root, args.today, args.release, args.strict)).report
    _print_report(report, args.strict)
    return 1 if report.failed(args.strict) else 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build the website and every PDF into the site folder."""
    site_dir = (args.site_dir or args.root / "site").resolve()
    try:
        result = commands.build(commands.BuildOptions(
            args.root, args.today, args.release, args.strict, site_dir=site_dir, workers=args.workers
        ), _progress)
    except ToolkitError as error:
        _print_report(error.report, args.strict)
        print(text("build.stopped"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(text("build.interrupted"), file=sys.stderr)
        return 130
    except Exception as error:  # a crash in a stage: say so plainly after the details for developers
        traceback.print_exc()
        print(text("build.failed", error=f"{type(error).__name__}: {error}"), file=sys.stderr)
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
            commands.build(commands.BuildOptions(args.root, site_dir=site_dir, workers=args.workers), _progress)
        except ToolkitError as error:
            _print_report(error.report, False)
            print(text("serve.not_rebuilt"), file=sys.stderr)

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


def cmd_status(args: argparse.Namespace) -> int:
    """Print what each language has translated, what is missing and what is outdated."""
    from carepath.l10n.translation import all_status, mark_current, record_new, status_json

    sources = _checked_sources(args.root)
    if sources is None:
        return 1
    if args.mark_current:
        tag, target = args.mark_current
        if tag not in sources.locales:
            print(f"status: no language '{tag}' (locales/{tag}.yml is missing)", file=sys.stderr)
            return 1
        marked = mark_current(sources, args.root, tag, target)
        print(f"recorded {len(marked)} translated texts of {target} as up to date with the source")
        return 0 if marked else 1
    statuses = all_status(sources, args.root)
    for status in statuses:  # first translations are recorded against today's source (records only)
        recorded = record_new(sources, args.root, status)
        if recorded and not args.json:
            print(f"{status.tag}: recorded {recorded} new translations as made from the current source "
                  f"(content/{status.tag}/translated-from.yml)")
    if args.json:
        print(status_json(statuses))
    else:
        for status in statuses:
            print(f"{status.tag}: {status.percent:.0f}% translated ({status.translated} of {status.total}), "
                  f"{status.missing} missing, {status.outdated} outdated")
            last = None
            for unit in status.units:
                if unit.state == "translated" or (args.brief and unit.state == "missing"):
                    continue
                if unit.file != last:
                    where = f"locales/{status.tag}.yml ui" if unit.file == "ui" else f"content/{status.tag}/{unit.file}"
                    print(f"  {where}")
                    last = unit.file
                source = unit.source if len(unit.source) <= 70 else unit.source[:67] + "..."
                print(f"    {unit.state:<9} {unit.key or '(whole page)'}: {source}")
    below = [s.tag for s in statuses if s.percent < args.fail_under]
    if below:
        print(f"below {args.fail_under}%: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


def _installed(package: str) -> bool:
    """Whether a Python package (a font package) is installed."""
    import importlib.metadata

    try:
        importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def cmd_new_locale(args: argparse.Namespace) -> int:
    """Create a new language's locales/ entry and translator files."""
    from carepath.l10n.new_locale import create_locale, valid_tag

    if not valid_tag(args.tag):
        print(f"new-locale: '{args.tag}' is not a valid BCP 47 language tag (e.g. so, pt-BR, zh-Hant)",
              file=sys.stderr)
        return 1
    checked = commands.check(commands.CheckOptions(args.root))
    sources, report = checked.sources, checked.report
    if "toolkit" not in sources.neutral:
        _print_report(report, False)
        return 1
    made = create_locale(sources, args.root, args.tag, args.direction, args.name)
    for path in made.files:
        print(f"  created {path}")
    print(f"{made.english_name} ({made.tag}): {made.name}, written {made.direction.upper()} in script {made.script}; "
          f"print fonts: {', '.join(made.fonts)}")
    missing = [p for p in dict.fromkeys(made.packages) if p and not _installed(p)]
    if missing:
        print(f"  its fonts are not installed yet: run `pip install {' '.join(missing)}` "
              "and add them to requirements.txt")
    else:
        print("  no font package is known for this script: add one as docs/LOCALIZING.md explains")
    print(f"""next:
  1. check the name, direction and fonts in locales/{made.tag}.yml, and translate its ui: strings
  2. translate content/{made.tag}/*.yml (remove the '# ' in front of a line and write your text),
     or work in PO files: python build.py export-po {made.tag}
  3. python build.py status     shows what is left; python build.py check, then python build.py""")
    return 0


def cmd_export_po(args: argparse.Namespace) -> int:
    """Write PO files for a language."""
    from carepath.l10n.po import export_po

    sources = _checked_sources(args.root)
    if sources is None:
        return 1
    out = args.out or args.root / "translations" / args.tag
    for path in export_po(sources, args.root, args.tag, out):
        print(f"  wrote {path}")
    return 0


def cmd_import_po(args: argparse.Namespace) -> int:
    """Write the translations of PO files back into a language's files."""
    from carepath.l10n.po import import_po

    sources = _checked_sources(args.root)
    if sources is None:
        return 1
    po_dir = args.po_dir or args.root / "translations" / args.tag
    result = import_po(sources, args.root, args.tag, po_dir)
    for path in result.files:
        print(f"  updated {path}")
    print(f"imported {result.units} newly translated or reviewed texts into {len(result.files)} files")
    after = commands.check(commands.CheckOptions(args.root)).report
    if after.errors:
        _print_report(after, False)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser for build.py and its commands."""
    main = argparse.ArgumentParser(
        prog="build.py",
        description="Build a carepath toolkit into a multilingual website and printable PDFs.",
    )
    main.set_defaults(
        func=cmd_build, root=Path("."), site_dir=None, strict=False, workers=None, today=None, release=False
    )
    sub = main.add_subparsers(title="commands", metavar="COMMAND")

    def workers(p: argparse.ArgumentParser) -> None:
        """The option that sets how many processes render PDFs."""
        p.add_argument("--workers", type=int, default=None, help="processes for PDFs (default: one per core)")

    def common(p: argparse.ArgumentParser) -> None:
        """Options every command takes."""
        p.add_argument("--root", type=Path, default=Path("."), help=ROOT_HELP)
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")
        p.add_argument("--release", action="store_true",
                       help="for publishing: stale services and data still marked as example are errors")
        p.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)

    b = sub.add_parser("build", help="build the site and PDFs into site/ (the default)",
                       description="Check the toolkit, then build the website and every PDF. "
                                   "site/ is replaced only when everything succeeded.")
    common(b)
    b.add_argument("--site-dir", type=Path, default=None, help="where to write the site (default: site/)")
    workers(b)
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
    workers(s)
    s.set_defaults(func=cmd_serve)

    st = sub.add_parser("status", help="what each language has translated, missing or outdated",
                        description="Per language and per file: translated, missing and outdated texts "
                                    "(translated from an older source text), with the current source text.")
    common(st)
    st.add_argument("--json", action="store_true", help="print the report as JSON")
    st.add_argument("--brief", action="store_true", help="list outdated texts only, not missing ones")
    st.add_argument("--fail-under", type=float, default=0, metavar="PERCENT",
                    help="exit 1 when a language has translated less than PERCENT")
    st.add_argument("--mark-current", nargs=2, metavar=("LOCALE", "PATH"),
                    help="record a reviewed translation as up to date: PATH is a file such as "
                         "content/es/signs.yml or pages/about.md, FILE:KEY, or 'all'")
    st.set_defaults(func=cmd_status)

    nl = sub.add_parser("new-locale", help="start a new language",
                        description="Create locales/TAG.yml (name, direction, print fonts) and content/TAG/ "
                                    "with files for translators. Nothing existing is overwritten.")
    common(nl)
    nl.add_argument("tag", help="a BCP 47 language tag: so, am, prs, pt-BR, zh-Hant ...")
    nl.add_argument("--direction", choices=["ltr", "rtl"], help="override the direction derived from the script")
    nl.add_argument("--name", help="the language's name in its own script, if the derived one is wrong")
    nl.set_defaults(func=cmd_new_locale)

    ex = sub.add_parser("export-po", help="write a language's texts as gettext PO files",
                        description="One PO file per source file, every string and Markdown paragraph with its "
                                    "context, source reference and notes; outdated translations are marked fuzzy.")
    common(ex)
    ex.add_argument("tag", help="the language to export")
    ex.add_argument("--out", type=Path, help="folder for the PO files (default translations/TAG/)")
    ex.set_defaults(func=cmd_export_po)

    im = sub.add_parser("import-po", help="write translations from PO files back into the toolkit",
                        description="Import translated, non-fuzzy entries; files whose text does not change are "
                                    "left untouched. Imported texts are recorded as up to date.")
    common(im)
    im.add_argument("tag", help="the language to import")
    im.add_argument("--po-dir", type=Path, help="folder of the PO files (default translations/TAG/)")
    im.set_defaults(func=cmd_import_po)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run build.py with `argv`; return the exit status."""
    args = parser().parse_args(argv)
    args.root = args.root.resolve()
    try:
        return int(args.func(args))
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0
