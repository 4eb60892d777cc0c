"""The benchmark's references, each run by bench/build_bench.py in a process of its own.

    python bench/references.py weasyprint ROOT [--passes 1] [--json OUT]
        carepath's print jobs for toolkit ROOT (made in this process, as a build makes them), rendered by plain
        WeasyPrint, `HTML(string=job.html, base_url=job.base_url).render().write_pdf()`, one after another in
        this one warm process: no sandboxed fetcher, no PDF/UA, no cache, no worker pool. The first job is
        rendered once before timing (the warm-up: fontconfig, fonts, WeasyPrint's own caches) and reported apart.
        CPU is time.process_time() around each render.

    python bench/references.py static-i18n ROOT OUT
        carepath's generated MkDocs sources for every language (docs/<tag>/...) written under OUT, with a minimal
        OUT/mkdocs.yml: Material (font: false) and mkdocs-static-i18n (docs_structure: folder, the same languages),
        the toolkit's Markdown extensions and navigation, no carepath hook or override. Build it with
        `NO_MKDOCS_2_WARNING=1 python -m mkdocs build -q -f OUT/mkdocs.yml`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
# The carepath to measure: the benchmark's snapshot of it (CAREPATH_BENCH_CODE), else the repository's.
CODE = Path(os.environ.get("CAREPATH_BENCH_CODE") or ROOT)
sys.path.insert(0, str(CODE))


def raw_weasyprint(root: Path, passes: int) -> dict[str, Any]:
    """Render carepath's print jobs for `root` with plain WeasyPrint in this process; seconds and counts."""
    from carepath import commands
    from carepath.render.print_kit import render_print

    started, cpu_started = time.perf_counter(), time.process_time()
    sources, model, _, _ = commands.load_model(commands.CheckOptions(root))
    config = commands.user_mkdocs_config(sources)
    jobs = render_print(model, root, config.get("site_url"), config)
    prepare = {"wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu_started}

    started, cpu_started = time.perf_counter(), time.process_time()
    from weasyprint import HTML

    def render(html: str, base_url: str) -> int:
        """Render one document to PDF bytes the plain way; its page count."""
        document = HTML(string=html, base_url=base_url).render()
        document.write_pdf()
        return len(document.pages)

    render(jobs[0].html, jobs[0].base_url)
    warmup = {"wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu_started,
              "job": jobs[0].path}
    runs: list[dict[str, Any]] = []
    for _ in range(passes):
        by_kind: dict[str, float] = {}
        wall = cpu = 0.0
        pages = 0
        for job in jobs:
            started, cpu_started = time.perf_counter(), time.process_time()
            pages += render(job.html, job.base_url)
            spent = time.process_time() - cpu_started
            wall += time.perf_counter() - started
            cpu += spent
            by_kind[job.kind] = by_kind.get(job.kind, 0.0) + spent
        runs.append({"wall_s": wall, "cpu_s": cpu, "pages": pages, "cpu_by_kind_s": by_kind})
    best = min(runs, key=lambda run: run["cpu_s"])
    return {"jobs": len(jobs), "prepare": prepare, "warmup": warmup, "passes": runs, **best}


def static_i18n_sources(root: Path, out: Path) -> dict[str, Any]:
    """Write carepath's generated pages for every language and a minimal static-i18n mkdocs.yml under `out`."""
    from carepath import commands
    from carepath.layers import toolkit_layers
    from carepath.render.site import render_site
    from carepath.write.site import write_site_sources

    sources, model, statuses, _ = commands.load_model(commands.CheckOptions(root))
    user = commands.user_mkdocs_config(sources)
    site = render_site(model, toolkit_layers(root, "templates"), user, statuses, {}, root / "content")
    if out.exists():
        shutil.rmtree(out)
    work = out / "carepath-sources"
    write_site_sources(site, work)
    shutil.move(str(work / "docs"), str(out / "docs"))
    shutil.rmtree(work)
    import material

    shipped = Path(material.__file__).parent / "templates" / "partials" / "languages"
    theme: dict[str, Any] = {"name": "material", "font": False}
    missing = [t.locale.tag for t in model.toolkits if not (shipped / f"{t.locale.tag}.html").exists()]
    if missing:  # a language Material has no strings for (sw) needs one partial, or Material cannot build it
        partials = out / "overrides" / "partials" / "languages"
        partials.mkdir(parents=True)
        for tag in missing:
            shutil.copyfile(shipped / "en.html", partials / f"{tag}.html")
        theme["custom_dir"] = str(out / "overrides")
    languages = [{"locale": t.locale.tag, "name": t.locale.name, "default": t.is_source, "build": True}
                 for t in model.toolkits]
    config = {
        "site_name": "static-i18n reference",
        "site_url": site.config.get("site_url") or "https://reference.example/",
        "use_directory_urls": False,
        "docs_dir": str(out / "docs"),
        "site_dir": str(out / "site"),
        "theme": theme,
        "markdown_extensions": site.config.get("markdown_extensions") or [],
        "nav": site.nav,
        "plugins": ["search", {"i18n": {"docs_structure": "folder", "languages": languages}}],
    }
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pages = sum(1 for _ in (out / "docs").rglob("*.md"))
    return {"languages": len(languages), "pages": pages, "config": str(out / "mkdocs.yml")}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one reference and print (or write) its result as JSON."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="reference", required=True)
    raw = commands.add_parser("weasyprint", help="carepath's print jobs rendered by plain WeasyPrint")
    raw.add_argument("root", type=Path)
    raw.add_argument("--passes", type=int, default=1, help="timed passes over every job (best one reported)")
    raw.add_argument("--json", type=Path, help="write the result here (default: print it)")
    site = commands.add_parser("static-i18n", help="write a plain static-i18n project of carepath's pages")
    site.add_argument("root", type=Path)
    site.add_argument("out", type=Path)
    site.add_argument("--json", type=Path, help="write the result here (default: print it)")
    args = parser.parse_args(argv)
    if args.reference == "weasyprint":
        result = raw_weasyprint(args.root.resolve(), max(args.passes, 1))
    else:
        result = static_i18n_sources(args.root.resolve(), args.out.resolve())
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
