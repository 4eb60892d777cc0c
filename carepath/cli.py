"""The command line: the only place that reads argv and writes to the terminal."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import signal
import sys
import traceback
from pathlib import Path

from carepath import commands
from carepath.messages import text
from carepath.problems import Report, ToolkitError
from carepath.write.lock import BuildBusy

ROOT_HELP = "the toolkit's folder (default: the current folder)"
WAIT = commands.BuildOptions.wait  # seconds a build waits for another build of the same toolkit


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


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) turned into an interruption, so that a build cleans up as it does on Ctrl-C."""


# The interruption a signal raised, kept: the exception can be lost where it lands (about one Ctrl-C in eight on a
# loaded machine, while Babel loaded a locale inside a print template), so the next build step raises it again;
# a build stopped by a signal never goes on to publish.
_signalled: list[KeyboardInterrupt] = []


def _stop_on_signals() -> None:
    """Let `kill` stop a build or a preview the way Ctrl-C does: its workers and temporary folders go with it."""
    def stop(signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        _signalled[:] = [KeyboardInterrupt() if signum == signal.SIGINT else Terminated(name)]
        raise _signalled[0]

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with Ctrl-C ignored
        signal.signal(signal.SIGINT, stop)


def _build_step(message: str) -> None:
    """Show a build step; first stop if a signal came that the step before did not stop on."""
    if _signalled:
        raise _signalled[0]
    _progress(message)


# Sentences of the build's own failures (the toolkit's problems are in carepath.messages).
BUSY = ("build not started: another build of this toolkit (pid {pid}) was still running after {seconds:.0f} s; "
        "nothing was written. Let it finish or stop it, then build again (--wait sets how long to wait)")
BUG = ("this is an error carepath did not expect: if the input named above is not at fault, please report it "
       "to carepath's developers with these details:")
NOT_LISTENING = "serve: cannot listen on {host}:{port}: {error}"


def _print_failure(error: Exception) -> None:
    """Say in one plain line why a build did not happen (not a problem of the toolkit); a traceback after it."""
    if isinstance(error, BuildBusy):
        print(BUSY.format(pid=error.holder or "unknown", seconds=error.waited), file=sys.stderr)
    elif isinstance(error, commands.BuildFailed):
        print(text("build.failed", error=str(error)), file=sys.stderr)
        print(BUG, file=sys.stderr)
        print(error.details(), end="", file=sys.stderr)
    else:
        print(text("build.failed", error=f"{type(error).__name__}: {error}"), file=sys.stderr)
        print(BUG, file=sys.stderr)
        traceback.print_exception(error, file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the toolkit without writing anything."""
    report = commands.check(commands.CheckOptions(args.root, args.today, args.release, args.strict)).report
    _print_report(report, args.strict)
    return 1 if report.failed(args.strict) else 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build the website and every PDF into the site folder."""
    site_dir = (args.site_dir or args.root / "site").resolve()
    options = commands.BuildOptions(
        args.root, args.today, args.release, args.strict, site_dir=site_dir, workers=args.workers, wait=args.wait,
        locales=getattr(args, "locales", None), shard=getattr(args, "shard", None),
    )
    _stop_on_signals()
    try:
        result = commands.build(options, _build_step)
    except Terminated:
        print(text("build.interrupted"), file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print(text("build.interrupted"), file=sys.stderr)
        return 130
    except ToolkitError as error:
        _print_report(error.report, args.strict)
        print(text("build.stopped"), file=sys.stderr)
        return 1
    except commands.LanguageChoiceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # BuildBusy, BuildFailed, or a crash outside the stages
        _print_failure(error)
        return 1
    if result.report.problems:
        _print_report(result.report, args.strict)
    seconds = result.seconds
    shard = ", a shard for merge" if options.part else ""
    print(
        f"built {result.pages} pages and {result.pdfs} PDFs ({result.pdfs_reused} reused) in "
        f"{len(result.search_entries)} language{'s' if len(result.search_entries) != 1 else ''} "
        f"({len(result.languages_reused)} unchanged) into {site_dir} "
        f"in {seconds['total']:.1f} s (site {seconds.get('site', 0):.1f} s, PDFs {seconds.get('pdf', 0):.1f} s){shard}",
        file=sys.stderr,
    )
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    """Assemble shards into one site."""
    site_dir = args.site_dir if args.site_dir.is_absolute() else Path.cwd() / args.site_dir
    try:
        result = commands.merge(commands.MergeOptions(tuple(args.shards), site_dir))
    except commands.MergeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"merged {result.pages} pages in {len(result.languages)} languages ({', '.join(result.languages)}) "
        f"into {site_dir}", file=sys.stderr,
    )
    return 0


def _tags(value: str) -> tuple[str, ...]:
    """--locales: language tags separated by commas."""
    tags = tuple(t.strip() for t in value.split(",") if t.strip())
    if not tags:
        raise argparse.ArgumentTypeError("name at least one language tag, e.g. --locales es,ar")
    return tags


def _shard(value: str) -> tuple[int, int]:
    """--shard: I/N, the I-th of N shards."""
    index, _, count = value.partition("/")
    try:
        shard = int(index), int(count)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: write the shard as I/N, e.g. 1/4") from None
    if not 1 <= shard[0] <= shard[1]:
        raise argparse.ArgumentTypeError(f"{value!r}: I goes from 1 to N")
    return shard


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve a live preview that rebuilds when sources change."""
    options = commands.ServeOptions(
        args.root, args.today, args.release, args.strict, workers=args.workers, wait=args.wait,
        host=args.host, port=args.port,
    )

    def built(outcome: commands.Outcome) -> None:
        """Report a build: its problems, or why the preview was not rebuilt."""
        if isinstance(outcome, commands.BuildResult):
            if outcome.report.problems:
                _print_report(outcome.report, args.strict)
            later = len(outcome.deferred)
            pdfs = f"; {later} PDF{'s' if later != 1 else ''} being made, the site follows" if later else ""
            waiting = len(outcome.languages_later)
            others = f"; {waiting} more follow{'s' if waiting == 1 else ''}" if waiting else ""
            print(f"rebuilt in {outcome.seconds['total']:.1f} s: {outcome.pages} pages, "
                  f"{len(outcome.languages_built)} of {len(outcome.search_entries)} languages built again"
                  f"{others}{pdfs}", file=sys.stderr, flush=True)
            return
        if isinstance(outcome, ToolkitError):
            _print_report(outcome.report, args.strict)
        else:
            _print_failure(outcome)
        print(text("serve.not_rebuilt"), file=sys.stderr, flush=True)

    def ready(url: str) -> None:
        print(f"serving on {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)

    def progress(message: str) -> None:
        """A preview says what it waits for and what it made, not each step of each rebuild."""
        if message.startswith(("made ", "removed ", "another build")):
            _progress(message)

    _stop_on_signals()
    try:
        commands.serve(options, progress, built, ready)
    except OSError as error:  # the port is taken, or the address is not this machine's
        print(NOT_LISTENING.format(host=args.host, port=args.port, error=error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # during the lock wait, before anything was served
        pass
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print what each language has translated, what is missing and what is outdated."""
    from carepath.l10n.translation import status_json

    result = commands.status(commands.StatusOptions(
        args.root, tuple(args.mark_current) if args.mark_current else None,
    ))
    if result.report.errors:
        _print_report(result.report, False)
        return 1
    if args.mark_current:
        tag, target = args.mark_current
        if result.unknown_locale:
            print(f"status: no language '{tag}' (locales/{tag}.yml is missing)", file=sys.stderr)
            return 1
        marked = result.marked or []
        print(f"recorded {len(marked)} translated texts of {target} as up to date with the source")
        return 0 if marked else 1
    statuses = result.statuses
    if not args.json:
        for tag, recorded in result.recorded.items():  # first translations are recorded against today's source
            print(f"{tag}: recorded {recorded} new translations as made from the current source "
                  f"(content/{tag}/translated-from.yml)")
    if args.json:
        print(status_json(statuses))
    else:
        for status in statuses:
            print(f"{status.tag}: {status.whole_percent}% translated ({status.translated} of {status.total}), "
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
    if not args.json:
        for reviews in result.reviews:
            changed = [r for r in reviews.reviews if r.state == "changed"]
            print(f"{reviews.tag} reviews: {reviews.count('reviewed')} current, {len(changed)} changed since review, "
                  f"{reviews.count('missing')} not reviewed")
            for item in changed:
                print(f"    changed since review ({item.role}, {item.date}): content/{reviews.tag}/{item.unit.ref}")
    below = result.below(args.fail_under)
    if below:
        print(f"below {args.fail_under}%: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


def _failed(result: commands.Refusable, command: str) -> int | None:
    """The exit status of a command whose toolkit has errors (1) or that refused (2), printing why; else None."""
    if result.report.errors:
        _print_report(result.report, False)
        return 1
    if result.refused:
        print(f"{command}: {result.refused}", file=sys.stderr)
        return 2
    return None


def cmd_review(args: argparse.Namespace) -> int:
    """Record a review of a language's current text."""
    result = commands.review(commands.ReviewOptions(args.root, args.tag, tuple(args.targets), args.role, args.by,
                                                    args.today))
    if (failed := _failed(result, "review")) is not None:
        return failed
    for ref in result.skipped:
        print(f"  not recorded: {ref}: its translation is missing or outdated; translate it first", file=sys.stderr)
    who = f" by {args.by}" if args.by else ""
    print(f"recorded a {args.role} review{who} of {len(result.recorded)} pieces of {args.tag} "
          f"(content/{args.tag}/reviewed.yml)")
    return 0 if result.recorded else 1


def cmd_export_glossary(args: argparse.Namespace) -> int:
    """Write a language's glossary as CSV and TBX."""
    result = commands.export_glossary(commands.GlossaryOptions(args.root, args.tag, args.out))
    if (failed := _failed(result, "export-glossary")) is not None:
        return failed
    print(f"wrote {result.terms} terms: {', '.join(str(f) for f in result.files)}")
    return 0


def cmd_export_hsds(args: argparse.Namespace) -> int:
    """Write the services directory as HSDS 3.0 JSON."""
    result = commands.export_hsds(commands.HsdsOptions(args.root, args.tag, args.out))
    if (failed := _failed(result, "export-hsds")) is not None:
        return failed
    print(f"wrote {result.services} services as Open Referral HSDS 3.0: {result.path} (JSON) and "
          f"{result.package}/ (tabular data package: CSV files and datapackage.json)")
    return 0


def _print_import(result: commands.DirectoryImport, command: str) -> int:
    """The report of an import into the directory: added, changed, skipped, refused, and the files written."""
    if (failed := _failed(result, command)) is not None:
        return failed
    for proposal in result.added:
        print(f"added     {proposal.id}: {proposal.texts.get('name', '')} (unverified: not published until "
              "someone checks it with the service)")
        for note in proposal.notes:
            print(f"            {note}")
    for sid, fields in result.changed.items():
        print(f"changed   {sid}: the feed differs in {', '.join(fields)}; not applied: check with the service, "
              "then edit content/services.yml")
    for who, why in result.skipped:
        print(f"skipped   {who}: {why}")
    for sid, problems in result.rejected.items():
        print(f"refused   {sid}: check would fail on it, so it was not written:")
        for problem in problems:
            print(f"            {problem.message}" + (f" (fix: {problem.fix})" if problem.fix else ""))
    for problem in result.unplaced:
        print(problem.format(), file=sys.stderr)
    if result.unplaced:
        print(f"{command}: nothing written: the toolkit would fail check", file=sys.stderr)
        return 1
    written = ", ".join(result.files) or "no file"
    print(f"{len(result.added)} added, {len(result.changed)} changed (not applied), {len(result.skipped)} skipped, "
          f"{len(result.rejected)} refused; wrote {written}")
    return 0


def cmd_import_hsds(args: argparse.Namespace) -> int:
    """Propose the services of an HSDS feed as new, unverified services."""
    return _print_import(commands.import_hsds(commands.ImportHsdsOptions(args.root, args.path, args.today)),
                         "import-hsds")


def cmd_export_services_csv(args: argparse.Namespace) -> int:
    """Write the directory as one sheet."""
    result = commands.export_services_csv(commands.SheetOptions(args.root, args.path, args.today))
    if (failed := _failed(result, "export-services-csv")) is not None:
        return failed
    print(f"wrote {result.rows} services to {result.path}: edit it in a spreadsheet, save it as CSV (UTF-8), then "
          "run carepath import-services-csv")
    return 0


def cmd_import_services_csv(args: argparse.Namespace) -> int:
    """Apply a sheet's edits to the directory."""
    result = commands.import_services_csv(commands.SheetOptions(args.root, args.path, args.today))
    if (failed := _failed(result, "import-services-csv")) is not None:
        return failed
    if result.problems:
        for problem in result.problems:
            print(problem.format(), file=sys.stderr)
        print(f"import-services-csv: nothing written: {len(result.problems)} problems in the sheet", file=sys.stderr)
        return 1
    for sid, columns in result.changed.items():
        print(f"changed   {sid}: {', '.join(columns)}")
    for sid in result.added:
        print(f"added     {sid}")
    for sid in result.kept:
        print(f"kept      {sid}: not in the sheet, left as it is (delete it in content/services.yml if it has "
              "closed for good, or set status: inactive)")
    print(f"{len(result.changed)} changed, {len(result.added)} added; wrote {', '.join(result.files) or 'no file'}")
    return 0


def cmd_new_locale(args: argparse.Namespace) -> int:
    """Create a new language's locales/ entry and translator files."""
    result = commands.new_locale(commands.NewLocaleOptions(args.root, args.tag, args.direction, args.name))
    if not result.valid_tag:
        print(f"new-locale: '{args.tag}' is not a valid BCP 47 language tag (e.g. so, pt-BR, zh-Hant)",
              file=sys.stderr)
        return 1
    made = result.made
    if made is None:
        _print_report(result.report, False)
        return 1
    for path in made.files:
        print(f"  created {path}")
    print(f"{made.english_name} ({made.tag}): {made.name}, written {made.direction.upper()} in script {made.script}; "
          f"print fonts: {', '.join(made.fonts)}")
    missing = result.missing_packages
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
    result = commands.export_po(commands.ExportPoOptions(args.root, args.tag, args.out))
    if result.report.errors:
        _print_report(result.report, False)
        return 1
    for path in result.files:
        print(f"  wrote {path}")
    return 0


def cmd_import_po(args: argparse.Namespace) -> int:
    """Write the translations of PO files back into a language's files."""
    result = commands.import_po(commands.ImportPoOptions(args.root, args.tag, args.po_dir))
    if result.imported is None:
        _print_report(result.report, False)
        return 1
    imported = result.imported
    for path in imported.files:
        print(f"  updated {path}")
    print(f"imported {imported.units} newly translated or reviewed texts into {len(imported.files)} files")
    if result.after is not None and result.after.errors:
        _print_report(result.after, False)
        return 1
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Start a toolkit repository."""
    try:
        result = commands.init(commands.InitOptions(args.directory.resolve(), args.from_example, args.requirement))
    except commands.InitRefused as refused:
        print(f"init: {refused}", file=sys.stderr)
        return 2
    print(f"started a toolkit repository in {result.target}: {len(result.written)} files, among them")
    for path in (".github/workflows/publish.yml", ".gitlab-ci.yml", "requirements.txt", "README.md", "mkdocs.yml"):
        print(f"  {path}")
    if args.from_example:
        print("next: cd into it, run `carepath check`, then replace the example's community, services and pages "
              "with your own (requirements.txt pins carepath: change that line if you install it from elsewhere)")
    else:
        print("next: cd into it and run `carepath check`: it lists, file by file and line by line, what to fill in "
              "(requirements.txt pins carepath: change that line if you install it from elsewhere)")
    return 0


def cmd_override(args: argparse.Namespace) -> int:
    """Replace one of carepath's template or print files in the toolkit, record it, or show the difference."""
    action = "list" if args.list else "diff" if args.diff else "mark-current" if args.mark_current else "copy"
    if action != "list" and not args.path:
        print("override: name a file of carepath's templates/ or print/ (`carepath override --list`)",
              file=sys.stderr)
        return 2
    try:
        result = commands.override(commands.OverrideOptions(args.root, args.path, action))
    except commands.OverrideRefused as refused:
        print(f"override: {refused}", file=sys.stderr)
        return 2
    if action == "list":
        print("\n".join(result.files))
    elif action == "diff":
        print(result.diff or f"{result.path} is the same as carepath's", end="" if result.diff else "\n")
    elif action == "copy":
        print(f"copied carepath's {result.path} into the toolkit (version {result.version}, recorded in "
              "overrides.yml): the toolkit now uses its own copy, which you may edit")
    else:
        print(f"recorded {result.path} as made from carepath's current file (version {result.version})")
    return 0


def cmd_record_pages(args: argparse.Namespace) -> int:
    """Record the site's pages, languages and version as published."""
    result = commands.record_pages(commands.ToolkitOptions(args.root))
    if result.report.errors:
        _print_report(result.report, strict=False)
        print("record-pages: nothing recorded: fix the errors above first", file=sys.stderr)
        return 1
    version = f"version {result.version}: " if result.version else ""
    print(f"recorded in content/published.yml: {version}{len(result.pages)} pages in {len(result.languages)} languages")
    for kind, names in (("pages", result.new_pages), ("languages", result.new_languages)):
        if names:
            print(f"  new {kind}: {', '.join(names)}")
    print("commit content/published.yml: from now on `carepath check` refuses to rename or remove one of these "
          "pages without a redirect")
    return 0


def _program() -> str:
    """The name the command line was started by: build.py in this repository, carepath once installed."""
    return "build.py" if Path(sys.argv[0]).name == "build.py" else "carepath"


@functools.cache  # parsing leaves it as it was: made once per process, however often main runs in it
def parser() -> argparse.ArgumentParser:
    """The argument parser for build.py and its commands."""
    from carepath import __version__

    main = argparse.ArgumentParser(
        prog=_program(),
        description="Build a carepath toolkit into a multilingual website and printable PDFs.",
    )
    main.add_argument("--version", action="version", version=f"carepath {__version__}")
    main.set_defaults(
        func=cmd_build, root=Path("."), site_dir=None, strict=False, workers=None, today=None, release=False,
        wait=WAIT,
    )
    sub = main.add_subparsers(title="commands", metavar="COMMAND")

    def builds(p: argparse.ArgumentParser) -> None:
        """The options of a command that builds: processes for PDFs, and how long to wait for another build."""
        p.add_argument("--workers", type=int, default=None, help="processes for PDFs (default: one per core)")
        p.add_argument("--wait", type=float, default=WAIT, metavar="SECONDS",
                       help=f"how long to wait for another build of this toolkit to finish (default {WAIT:.0f})")

    def toolkit(p: argparse.ArgumentParser) -> None:
        """The option every command takes."""
        p.add_argument("--root", type=Path, default=Path("."), help=ROOT_HELP)

    def common(p: argparse.ArgumentParser) -> None:
        """The options of the commands that check: the toolkit, how strictly, and for what."""
        toolkit(p)
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")
        p.add_argument("--release", action="store_true",
                       help="for publishing: stale services and data still marked as example are errors")
        p.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)

    b = sub.add_parser("build", help="build the site and PDFs into site/ (the default)",
                       description="Check the toolkit, then build the website and every PDF. "
                                   "site/ is replaced only when everything succeeded.")
    common(b)
    b.add_argument("--site-dir", type=Path, default=None, help="where to write the site (default: site/)")
    builds(b)
    b.add_argument("--locales", type=_tags, default=None, metavar="TAG,TAG",
                   help="build only these languages, as a shard for `merge` (written into --site-dir)")
    b.add_argument("--shard", type=_shard, default=None, metavar="I/N",
                   help="build the I-th of N shards of the languages, for `merge` (written into --site-dir)")
    b.set_defaults(func=cmd_build)

    m = sub.add_parser("merge", help="assemble shards built with --shard or --locales into one site",
                       description="Put the shards of a toolkit together into one site: the same files, byte "
                                   "for byte, as one build of every language. Every language must be in exactly "
                                   "one shard. The site folder is replaced in one step.")
    m.add_argument("shards", nargs="+", type=Path, metavar="SHARD", help="a folder written by build --shard")
    m.add_argument("--site-dir", type=Path, default=Path("site"), help="where to write the site (default: site/)")
    m.set_defaults(func=cmd_merge)

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
    builds(s)
    s.set_defaults(func=cmd_serve)

    st = sub.add_parser("status", help="what each language has translated, missing or outdated",
                        description="Per language and per file: translated, missing and outdated texts "
                                    "(translated from an older source text), with the current source text.")
    toolkit(st)
    st.add_argument("--json", action="store_true", help="print the report as JSON")
    st.add_argument("--brief", action="store_true", help="list outdated texts only, not missing ones")
    st.add_argument("--fail-under", type=float, default=0, metavar="PERCENT",
                    help="exit 1 when a language has translated less than PERCENT")
    st.add_argument("--mark-current", nargs=2, metavar=("LOCALE", "PATH"),
                    help="record a reviewed translation as up to date: PATH is a file such as "
                         "content/es/signs.yml or pages/about.md, FILE:KEY, or 'all'")
    st.set_defaults(func=cmd_status)

    rv = sub.add_parser("review", help="record a review of a language's current text (clinical, language, community)",
                        description="Record that the current text of a language (all of it, or the files or pieces "
                                    "named) has been reviewed, in a role: clinical or community reviews are of the "
                                    "source language, language reviews of a translation. A later change of the text "
                                    "or of its source shows as 'changed since review'.")
    toolkit(rv)
    rv.add_argument("tag", help="the language reviewed")
    rv.add_argument("targets", nargs="*", metavar="FILE",
                    help="files (steps.yml, pages/about.md) or pieces (steps.yml:steps.ask-directly); default all")
    rv.add_argument("--as", dest="role", required=True, choices=["clinical", "language", "community"],
                    help="the reviewer's role")
    rv.add_argument("--by", default=None, help="the reviewer's name (optional; never required)")
    rv.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    rv.set_defaults(func=cmd_review)

    eg = sub.add_parser("export-glossary", help="write a language's glossary as CSV and TBX",
                        description="Write locales/TAG.yml's glossary (source term, approved word, note, variants "
                                    "to avoid) as CSV and TBX, for the glossaries of Weblate, Crowdin and others.")
    toolkit(eg)
    eg.add_argument("tag", help="the language")
    eg.add_argument("--out", type=Path, help="folder for the files (default translations/TAG/)")
    eg.set_defaults(func=cmd_export_glossary)

    hx = sub.add_parser("export-hsds", help="write the services directory as Open Referral HSDS 3.0 JSON",
                        description="Write every published service, in one language (default the source), as a "
                                    "list of HSDS 3.0 services (hsds/services-TAG.json) and as an HSDS tabular "
                                    "data package (hsds/TAG/: CSV files and datapackage.json); ids are UUIDs "
                                    "derived from the toolkit's ids, so the same toolkit exports the same files.")
    toolkit(hx)
    hx.add_argument("tag", nargs="?", default=None, help="the language (default the source language)")
    hx.add_argument("--out", type=Path, help="folder for the file (default hsds/)")
    hx.set_defaults(func=cmd_export_hsds)

    ih = sub.add_parser("import-hsds", help="propose services from an Open Referral HSDS feed",
                        description="Add the services of an HSDS 3.0 JSON file (a list of services) or tabular data "
                                    "package (a folder with datapackage.json) that the directory does not have, "
                                    "marked unverified: they are not published until someone checks each with the "
                                    "service. A service the directory has is never changed: the report lists how it "
                                    "differs.")
    toolkit(ih)
    ih.add_argument("path", type=Path, help="the HSDS JSON file, or the tabular package's folder")
    ih.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    ih.set_defaults(func=cmd_import_hsds)

    for name, func, verb in (("export-services-csv", cmd_export_services_csv, "write"),
                             ("import-services-csv", cmd_import_services_csv, "read")):
        sc = sub.add_parser(name, help=f"{verb} the services directory as one sheet (CSV) for a spreadsheet",
                            description="One row per service, one column per fact and per source-language text. "
                                        "Reading it back changes only the cells edited (a sheet saved without "
                                        "edits changes no file) and writes nothing if a cell is wrong: each is "
                                        "reported as services.csv:ROW:COLUMN.")
        toolkit(sc)
        sc.add_argument("path", type=Path, nargs="?", default=None, help="the sheet (default services.csv)")
        sc.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
        sc.set_defaults(func=func)

    nl = sub.add_parser("new-locale", help="start a new language",
                        description="Create locales/TAG.yml (name, direction, print fonts) and content/TAG/ "
                                    "with files for translators. Nothing existing is overwritten.")
    toolkit(nl)
    nl.add_argument("tag", help="a BCP 47 language tag: so, am, prs, pt-BR, zh-Hant ...")
    nl.add_argument("--direction", choices=["ltr", "rtl"], help="override the direction derived from the script")
    nl.add_argument("--name", help="the language's name in its own script, if the derived one is wrong")
    nl.set_defaults(func=cmd_new_locale)

    ex = sub.add_parser("export-po", help="write a language's texts as gettext PO files",
                        description="One PO file per source file, every string and Markdown paragraph with its "
                                    "context, source reference and notes; outdated translations are marked fuzzy.")
    toolkit(ex)
    ex.add_argument("tag", help="the language to export")
    ex.add_argument("--out", type=Path, help="folder for the PO files (default translations/TAG/)")
    ex.set_defaults(func=cmd_export_po)

    im = sub.add_parser("import-po", help="write translations from PO files back into the toolkit",
                        description="Import translated, non-fuzzy entries; files whose text does not change are "
                                    "left untouched. Imported texts are recorded as up to date.")
    toolkit(im)
    im.add_argument("tag", help="the language to import")
    im.add_argument("--po-dir", type=Path, help="folder of the PO files (default translations/TAG/)")
    im.set_defaults(func=cmd_import_po)

    it = sub.add_parser("init", help="start a toolkit repository in a new folder",
                        description="Write a toolkit repository: an empty toolkit with comments (or, with "
                                    "--from-example, the example toolkit's content, languages and settings; "
                                    "templates and print files stay carepath's), requirements.txt "
                                    "pinning this carepath, a README, .gitignore, and the publishing workflows "
                                    "for GitHub and GitLab Pages. Nothing existing is overwritten.")
    it.add_argument("directory", type=Path, help="the folder of the new repository")
    it.add_argument("--from-example", action="store_true",
                    help="start from the example toolkit (default: an empty toolkit with comments, in English)")
    it.add_argument("--requirement", metavar="SPEC",
                    help="the line requirements.txt installs carepath with (default carepath==VERSION)")
    it.set_defaults(func=cmd_init)

    rp = sub.add_parser("record-pages", help="record the site's pages as published, so a rename needs a redirect",
                        description="Add the pages, languages and version of the site as it is now to "
                                    "content/published.yml (earlier ones are kept). Run it when you publish or "
                                    "print a new version, and commit the file: printed QR codes lead to these "
                                    "pages, and `check` then refuses to rename or remove one without a redirect "
                                    "(redirects: in content/toolkit.yml).")
    toolkit(rp)
    rp.set_defaults(func=cmd_record_pages)

    ov = sub.add_parser("override", help="replace one of carepath's template or print files in the toolkit",
                        description="Copy carepath's file at PATH (e.g. print/css/print.css) into the toolkit, "
                                    "where it replaces carepath's, and record in overrides.yml the version it was "
                                    "made from: `check` then says when carepath's file changes in an upgrade.")
    toolkit(ov)
    ov.add_argument("path", nargs="?", help="a file of carepath's templates/ or print/")
    how = ov.add_mutually_exclusive_group()
    how.add_argument("--diff", action="store_true", help="show how the toolkit's file differs from carepath's")
    how.add_argument("--mark-current", action="store_true",
                     help="record the toolkit's file as made from carepath's current one (after merging its changes)")
    how.add_argument("--list", action="store_true", help="list the files a toolkit may replace")
    ov.set_defaults(func=cmd_override)
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
