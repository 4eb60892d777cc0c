"""Benchmark a full build against baselines measured in the same run.

Usage: python bench/build_bench.py [--runs 3] [--workers N]

It copies the example toolkit to a temporary folder and times, each best of --runs:
- baseline: `mkdocs build` of carepath's generated Markdown for the source language alone,
  with plain Material (no i18n, no PDFs): what any MkDocs site of this size costs here;
- site: carepath's build with every PDF already cached (the website work of a build);
- cold: carepath's full build with an empty PDF cache (every PDF rendered);
- one edit: a full build after one Spanish text changed (only its PDFs render again).
Results are printed as seconds and as ratios to the baseline, so that they compare across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("content", "locales", "templates", "print", "mkdocs.yml")


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    """Run a command and return its wall time in seconds; fail loudly if it fails."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def best(runs: int, prepare, command: list[str], env: dict[str, str] | None = None) -> float:
    """The best wall time of `runs` runs, calling `prepare` before each."""
    times = []
    for _ in range(runs):
        prepare()
        times.append(timed(command, env))
    return min(times)


def english_pages(root: Path, work: Path) -> Path:
    """carepath's generated pages of the source language, written as MkDocs sources under `work` (no PDFs)."""
    sys.path.insert(0, str(ROOT))
    from carepath import commands
    from carepath.render.site import render_site
    from carepath.write.site import write_site_sources

    sources, model, statuses, _ = commands.load_model(commands.CheckOptions(root))
    site = render_site(model, root / "templates", commands.user_mkdocs_config(sources), statuses, {}, root / "content")
    write_site_sources(site, work)
    return work / "docs" / model.source.locale.tag

def main() -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "toolkit"
        root.mkdir()
        for name in SOURCES:
            source = ROOT / name
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
        build = [python, str(ROOT / "build.py"), "build", "--root", str(root), "--workers", str(args.workers)]
        cache = root / ".carepath" / "cache"

        def clear_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cold = best(args.runs, clear_cache, build)
        site = best(args.runs, lambda: None, build)
        es = root / "content" / "es" / "signs.yml"
        original = es.read_text(encoding="utf-8")
        edits = iter(range(1000))

        def edit() -> None:
            es.write_text(original.replace("title:", f"title: ({next(edits)})", 1), encoding="utf-8")

        one_edit = best(args.runs, edit, build)
        es.write_text(original, encoding="utf-8")

        # baseline: carepath's generated English pages built by plain MkDocs + Material
        plain = Path(tmp) / "plain"
        shutil.copytree(english_pages(root, Path(tmp) / "work"), plain / "docs")
        (plain / "mkdocs.yml").write_text(
            "site_name: baseline\ntheme: {name: material, font: false}\nuse_directory_urls: false\n"
            "markdown_extensions: [attr_list, md_in_html, admonition]\n", encoding="utf-8")
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        mkdocs = [python, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml")]
        baseline = best(args.runs, lambda: None, mkdocs, env)
        pdfs = sum(1 for _ in (root / "site").rglob("*.pdf"))
        pages = sum(1 for p in (root / "site").rglob("*.html") if p.name != "404.html")

    results = {
        "baseline_s": baseline, "site_s": site, "cold_s": cold, "one_edit_s": one_edit,
        "site_ratio": site / baseline, "cold_ratio": cold / baseline, "one_edit_ratio": one_edit / baseline,
        "pages": pages, "pdfs": pdfs, "workers": args.workers, "runs": args.runs,
    }
    print(f"{pages} pages, {pdfs} PDFs, {args.workers} workers, best of {args.runs}")
    print(f"{'what':<34}{'seconds':>9}{'x baseline':>12}")
    for label, key in (("baseline: plain MkDocs, 1 language", "baseline"), ("carepath, all PDFs cached", "site"),
                       ("carepath, one text edited", "one_edit"), ("carepath, cold (every PDF)", "cold")):
        ratio = results[f"{key}_s"] / baseline
        print(f"{label:<34}{results[f'{key}_s']:>9.2f}{ratio:>12.1f}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "build.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
