"""Build speed where people wait (issue 13): carepath's builds and serve against references, in one run.

Usage: python bench/build_bench.py [--corpus example,lang10,lang20] [--runs 2] [--workers N] [--quick]

For each corpus (bench/corpus.py: `example` is the example toolkit, `lang<N>` a generated toolkit with N
Latin-script languages, 30 free pages each and 100 services, `tiny` English and French only), it measures,
each the best of --runs (every run is kept in the JSON):
- cold: `build.py build --root R --workers N` with an empty PDF cache (CAREPATH_CACHE_DIR/pdf), wall seconds,
  CPU seconds of the whole process tree (getrusage of reaped children) and its peak memory (the VmRSS of the
  build and every descendant, summed, sampled every 50 ms);
- no-op: the same build again, nothing changed;
- one edit of a translation (the title of content/<tag>/signs.yml), then a build;
- one edit of the source language (the title of content/en/signs.yml), then a build;
- serve: `build.py serve`, then an edit of content/en/signs.yml: seconds until http://127.0.0.1:PORT/signs.html
  serves the new text (read over HTTP only), or "timeout";
- references: carepath's own print jobs rendered by plain WeasyPrint in one warm process (CPU), and a plain
  MkDocs + Material + static-i18n build of carepath's generated pages in the same languages (wall and CPU).
Then the ratios issue 13 sets goals for, each marked met or not met. Results: bench/results/<corpus>.json and
bench/results/summary.json (not committed). The machine's load is recorded: ratios compare within one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import SOURCE_TAG, SOURCES, copy_example, make_corpus  # bench/ is not a package: its folder is on the path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
REFERENCES = "bench/references.py"  # run from the code measured: it imports carepath
GIB = 1024 ** 3
SAMPLE_SECONDS = 0.05
TREE_SECONDS = 0.5
# The figures issue 13 sets goals for: (key, what, limit, the corpus the issue names, or None for every one).
GOALS: tuple[tuple[str, str, float, str | None], ...] = (
    ("cold_cpu_vs_references", "cold CPU / (raw WeasyPrint CPU + static-i18n CPU)", 1.3, None),
    ("noop_vs_cold", "no-op wall / cold wall", 0.05, None),
    ("noop_vs_static_i18n", "no-op wall / static-i18n wall", 1.2, None),
    ("edit_translation_vs_cold", "one translation edit / cold (wall)", 0.15, "lang10"),
    ("edit_source_vs_cold", "one English edit / cold (wall)", 0.15, "lang10"),
    ("scaling_cold", "20-language cold / 10-language cold (wall)", 2.1, "lang20"),
    ("scaling_noop", "20-language no-op / 10-language no-op (wall)", 2.1, "lang20"),
    ("peak_rss_gib", "peak memory of the cold build's process tree (GiB)", 1.0, "lang20"),
    ("serve_latency_s", "serve: English edit to served page (s)", 3.0, "example"),
)
BUILT = re.compile(r"built (\d+) pages and (\d+) PDFs \((\d+) reused\).* in ([\d.]+) s "
                   r"\(site ([\d.]+) s, PDFs ([\d.]+) s\)")


@dataclass
class Sample:
    """One measured process: wall and CPU seconds of its whole tree, its peak memory, and what the build said."""

    wall_s: float
    cpu_s: float
    peak_rss_bytes: int | None = None
    stages: dict[str, float] = field(default_factory=dict)


class BenchError(Exception):
    """A command the benchmark runs failed: the command and the end of its output."""


def children_cpu() -> float:
    """User + system CPU seconds of every child process reaped so far (grandchildren included once reaped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def parents() -> dict[int, int]:
    """Every process's parent, from /proc/<pid>/stat (/proc/<pid>/task/*/children is not on every kernel)."""
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as file:
                    stat = file.read()
            except OSError:
                continue  # it ended meanwhile
            found[int(name)] = int(stat[stat.rindex(b")") + 2:].split()[1])  # a process name may hold spaces
    return found


def descendants(pid: int) -> list[int]:
    """Process `pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for child, parent in parents().items():
        children.setdefault(parent, []).append(child)
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children.get(current, [])
    return tree


def rss(pid: int) -> int:
    """The VmRSS of one process in bytes (0 once it has ended)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as file:
            for line in file:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class MemorySampler(threading.Thread):
    """Sums the VmRSS of a process tree every SAMPLE_SECONDS in the background and keeps the highest sum.

    The tree itself is read again every TREE_SECONDS: walking all of /proc every 50 ms would cost the build
    a noticeable share of a core on this 2-core machine.
    """

    def __init__(self, pid: int) -> None:
        """Watch process `pid` and its descendants."""
        super().__init__(name="bench-rss", daemon=True)
        self.pid, self.peak = pid, 0
        self.done = threading.Event()

    def run(self) -> None:
        """Sample until told to stop."""
        tree, scanned = [self.pid], 0.0
        while not self.done.is_set():
            if time.monotonic() - scanned >= TREE_SECONDS:
                tree, scanned = descendants(self.pid), time.monotonic()
            self.peak = max(self.peak, sum(rss(pid) for pid in tree))
            self.done.wait(SAMPLE_SECONDS)

    def stop(self) -> int:
        """Stop sampling; the peak in bytes."""
        self.done.set()
        self.join()
        return self.peak


def measure(command: Sequence[str], env: dict[str, str], memory: bool = False) -> Sample:
    """Run `command` to its end; its wall and CPU seconds (whole process tree) and, if asked, its peak memory."""
    cpu = children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    sampler = MemorySampler(process.pid) if memory else None
    if sampler:
        sampler.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    peak = sampler.stop() if sampler else None
    spent = children_cpu() - cpu
    if process.returncode != 0:
        raise BenchError(f"{' '.join(command)} exited with {process.returncode}:\n{output[-3000:]}")
    stages: dict[str, float] = {}
    if found := BUILT.search(output):
        stages = {"pages": float(found[1]), "pdfs": float(found[2]), "pdfs_reused": float(found[3]),
                  "total_s": float(found[4]), "site_s": float(found[5]), "pdf_s": float(found[6])}
    return Sample(wall, spent, peak, stages)


def best(samples: list[Sample]) -> dict[str, Any]:
    """The fastest of several runs (by wall time), the median wall, the highest memory and every run."""
    fastest = min(samples, key=lambda sample: sample.wall_s)
    peaks = [s.peak_rss_bytes for s in samples if s.peak_rss_bytes is not None]
    return {"wall_s": fastest.wall_s, "cpu_s": min(s.cpu_s for s in samples),
            "median_wall_s": statistics.median(s.wall_s for s in samples),
            "peak_rss_bytes": max(peaks) if peaks else None, "stages": fastest.stages,
            "runs": [asdict(sample) for sample in samples]}


def retitle(text: str, suffix: str) -> str:
    """A YAML text file's text with `suffix` added to its top-level one-line `title:`."""
    def change(match: re.Match[str]) -> str:
        """The title line with the suffix, written as a quoted YAML string."""
        title = yaml.safe_load(match[0])["title"]
        return f"title: {json.dumps(f'{title} {suffix}', ensure_ascii=False)}"

    changed, count = re.subn(r"(?m)^title:[ \t]*\S.*$", change, text, count=1)
    if not count:
        raise BenchError(f"no one-line top-level title: to edit in\n{text[:300]}")
    return changed


class CacheSnapshot:
    """The files of the PDF cache at one moment; prune() removes any added since, so that every run of an edit
    renders what the first one did instead of finding the PDFs of the run before in the cache."""

    def __init__(self, cache: Path) -> None:
        """Note the files under `cache` now."""
        self.cache = cache
        self.files = set(cache.rglob("*"))

    def prune(self) -> int:
        """Remove what was added since the snapshot; how many files."""
        added = [p for p in self.cache.rglob("*") if p not in self.files and p.is_file()]
        for path in added:
            path.unlink(missing_ok=True)
        return len(added)


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    """The body of `url`, or None when it cannot be read now."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError, ValueError):
        return None


def wait_for(condition: Callable[[], bool], timeout: float, alive: Callable[[], bool]) -> float | None:
    """Seconds until `condition` holds, polled every 0.1 s; None on timeout or once `alive` fails."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if condition():
            return time.perf_counter() - started
        if not alive():
            return None
        time.sleep(0.1)
    return None


def serve_latency(build_py: Path, root: Path, env: dict[str, str], workers: int, timeout: float, log: Path
                  ) -> dict[str, Any]:
    """Start serve, wait for its home page, edit the English signs page: seconds until the change is served."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    signs = root / "content" / SOURCE_TAG / "signs.yml"
    original = signs.read_text(encoding="utf-8")
    command = [PYTHON, str(build_py), "serve", "--root", str(root), "--port", str(port),
               "--workers", str(workers)]
    result: dict[str, Any] = {"latency_s": None, "startup_s": None}
    with log.open("w", encoding="utf-8") as output:  # a file, never a pipe nobody reads: serve may print a lot
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)

        def alive() -> bool:
            """Whether serve is still running."""
            return process.poll() is None

        try:
            result["startup_s"] = wait_for(lambda: fetch(base) is not None, timeout, alive)
            if result["startup_s"] is None:
                result["error"] = "exited" if not alive() else "timeout"
                return result
            time.sleep(1.0)  # a file changed in the same second as the first build's start could go unseen
            token = f"bench{time.time_ns() % 10 ** 9}"
            signs.write_text(retitle(original, token), encoding="utf-8")
            result["latency_s"] = wait_for(lambda: token in (fetch(base + "signs.html") or ""), timeout, alive)
            if result["latency_s"] is None:
                result["error"] = "exited" if not alive() else "timeout"
        finally:
            stop_group(process)
            signs.write_text(original, encoding="utf-8")
    # not used for the latency (serve's output may change), only noted: a failure in the background shows here
    text = log.read_text(encoding="utf-8", errors="replace")
    result["log_errors"] = [line for line in text.splitlines() if re.search(r"Traceback|Error\b|error:", line)][:10]
    return result


def stop_group(process: subprocess.Popen[Any]) -> None:
    """Stop a process started in its own session as Ctrl-C would, then kill its group if it lingers."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # anything of its group left behind (workers of a killed build)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def other_language(root: Path) -> str:
    """The first language of a toolkit besides the source (es for the example, fr for generated ones)."""
    tags = sorted(p.stem for p in (root / "locales").glob("*.yml") if p.stem != SOURCE_TAG)
    return "es" if "es" in tags else ("fr" if "fr" in tags else tags[0])


def count_site(site: Path) -> dict[str, int]:
    """Pages (HTML files but 404) and PDFs of a built site."""
    return {"pages": sum(1 for p in site.rglob("*.html") if p.name != "404.html"),
            "pdfs": sum(1 for _ in site.rglob("*.pdf"))}


def bench_corpus(name: str, work: Path, args: argparse.Namespace, say: Callable[[str], None]) -> dict[str, Any]:
    """Every measure of one corpus, written to bench/results/<name>.json as it goes."""
    folder = work / name
    root = make_corpus(name, folder / "toolkit", args.code)
    cache = folder / "cache"
    env = {**os.environ, "CAREPATH_CACHE_DIR": str(cache), "NO_MKDOCS_2_WARNING": "1",
           "CAREPATH_BENCH_CODE": str(args.code)}
    build = [PYTHON, str(args.code / "build.py"), "build", "--root", str(root), "--workers", str(args.workers)]
    result: dict[str, Any] = {"corpus": name, "languages": len(list((root / "locales").glob("*.yml")))}
    out = RESULTS / f"{name}.json"

    def save() -> None:
        """Write what is measured so far."""
        out.write_text(json.dumps(result, indent=2), encoding="utf-8")

    say(f"[{name}] check")
    result["check"] = best([measure([PYTHON, str(args.code / "build.py"), "check", "--root", str(root)], env)])
    skip = set(args.skip)

    runs: list[Sample] = []
    for run in range(args.runs):
        say(f"[{name}] cold build {run + 1}/{args.runs}")
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(root / "site", ignore_errors=True)
        runs.append(measure(build, env, memory=True))
    result["cold"] = best(runs)
    result.update(count_site(root / "site"))
    save()

    result["noop"] = best([measure(build, env) for _ in range(args.runs)])
    say(f"[{name}] no-op {result['noop']['wall_s']:.1f} s")
    save()

    for key, tag in (("edit_translation", other_language(root)), ("edit_source", SOURCE_TAG)):
        if key in skip:
            continue
        signs = root / "content" / tag / "signs.yml"
        original = signs.read_text(encoding="utf-8")
        samples = []
        for run in range(args.runs):
            say(f"[{name}] edit {signs.relative_to(root)} {run + 1}/{args.runs}")
            snapshot = CacheSnapshot(cache)
            signs.write_text(retitle(original, "(edited)"), encoding="utf-8")
            try:
                samples.append(measure(build, env))
            finally:
                signs.write_text(original, encoding="utf-8")
                snapshot.prune()
            measure(build, env)  # untimed: back to the sources as generated, every PDF from the cache
        result[key] = {"file": signs.relative_to(root).as_posix(), **best(samples)}
        say(f"[{name}] edit {signs.relative_to(root)}: {result[key]['wall_s']:.1f} s")
        save()

    if "serve" not in skip:
        sessions = []
        for run in range(args.runs):
            say(f"[{name}] serve latency {run + 1}/{args.runs}")
            snapshot = CacheSnapshot(cache)
            try:
                sessions.append(serve_latency(args.code / "build.py", root, env, args.workers, args.serve_timeout,
                                              folder / f"serve-{run + 1}.log"))
            finally:
                snapshot.prune()
        latencies = [s["latency_s"] for s in sessions if s["latency_s"] is not None]
        result["serve"] = {"best_s": min(latencies) if latencies else None, "sessions": sessions,
                           "error": next((s["error"] for s in sessions if s.get("error")), None)}
        say(f"[{name}] serve latency {seconds(result['serve']['best_s'])} s")
        save()

    if "static-i18n" not in skip:
        say(f"[{name}] static-i18n reference")
        reference = folder / "static-i18n"
        prepared = measure([PYTHON, str(args.code / REFERENCES), "static-i18n", str(root),
                            str(reference), "--json", str(folder / "static-i18n.json")], env)
        mkdocs = [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(reference / "mkdocs.yml")]
        result["static_i18n"] = {**best([measure(mkdocs, env) for _ in range(args.runs)]),
                                 "prepare_wall_s": prepared.wall_s,
                                 **json.loads((folder / "static-i18n.json").read_text(encoding="utf-8"))}
        save()

    if "weasyprint" not in skip:
        say(f"[{name}] raw WeasyPrint reference")
        raw_json = folder / "weasyprint.json"
        process = measure([PYTHON, str(args.code / REFERENCES), "weasyprint", str(root),
                           "--passes", str(args.runs), "--json", str(raw_json)], env)
        result["weasyprint"] = {**json.loads(raw_json.read_text(encoding="utf-8")),
                                "process_wall_s": process.wall_s, "process_cpu_s": process.cpu_s}
        save()

    result["ratios"] = corpus_ratios(result)
    save()
    return result


def ratio(top: float | None, bottom: float | None) -> float | None:
    """top / bottom, or None when either is unknown."""
    return top / bottom if top is not None and bottom else None


def corpus_ratios(result: dict[str, Any]) -> dict[str, float | None]:
    """The ratios of one corpus that issue 13 sets goals for."""
    cold, noop = result["cold"], result["noop"]
    raw, static = result.get("weasyprint"), result.get("static_i18n")
    references = raw["cpu_s"] + static["cpu_s"] if raw and static else None
    serve = result.get("serve") or {}
    return {
        "cold_cpu_vs_references": ratio(cold["cpu_s"], references),
        "noop_vs_cold": ratio(noop["wall_s"], cold["wall_s"]),
        "noop_vs_static_i18n": ratio(noop["wall_s"], static["wall_s"] if static else None),
        "edit_translation_vs_cold": ratio((result.get("edit_translation") or {}).get("wall_s"), cold["wall_s"]),
        "edit_source_vs_cold": ratio((result.get("edit_source") or {}).get("wall_s"), cold["wall_s"]),
        "peak_rss_gib": cold["peak_rss_bytes"] / GIB if cold.get("peak_rss_bytes") else None,
        "serve_latency_s": serve.get("best_s"),
    }


def scaling(results: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """20-language over 10-language figures, when both corpora were measured."""
    ten, twenty = results.get("lang10"), results.get("lang20")
    if not ten or not twenty:
        return {}
    static = ratio((twenty.get("static_i18n") or {}).get("wall_s"), (ten.get("static_i18n") or {}).get("wall_s"))
    return {
        "scaling_cold": ratio(twenty["cold"]["wall_s"], ten["cold"]["wall_s"]),
        "scaling_cold_cpu": ratio(twenty["cold"]["cpu_s"], ten["cold"]["cpu_s"]),
        "scaling_noop": ratio(twenty["noop"]["wall_s"], ten["noop"]["wall_s"]),
        "scaling_static_i18n": static,
    }


def verdicts(results: dict[str, dict[str, Any]], scale: dict[str, float | None]) -> list[dict[str, Any]]:
    """Each goal for each corpus it is measured on: the value, the limit and whether it is met."""
    rows = []
    for key, what, limit, named in GOALS:
        if key.startswith("scaling"):
            values = {"lang20/lang10": scale.get(key)} if scale else {}
        else:
            values = {name: result["ratios"].get(key) for name, result in results.items()}
        for corpus, value in values.items():
            if value is None and key == "serve_latency_s" and (results.get(corpus) or {}).get("serve"):
                verdict = "not met (timeout)"
            else:
                verdict = "-" if value is None else ("met" if value <= limit else "not met")
            rows.append({"goal": key, "what": what, "corpus": corpus, "value": value, "limit": limit,
                         "named_by_issue": named is None or corpus.startswith(named) or named in corpus,
                         "verdict": verdict})
    return rows


def seconds(value: float | None, digits: int = 1) -> str:
    """A number for the table, '-' when unknown."""
    return "-" if value is None else f"{value:.{digits}f}"


def table(results: dict[str, dict[str, Any]], scale: dict[str, float | None], rows: list[dict[str, Any]]) -> str:
    """The measurements and the goals as plain-text tables."""
    names = list(results)

    def get(result: dict[str, Any], *keys: str) -> Any:
        """A nested value, or None."""
        value: Any = result
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def edit_cell(result: dict[str, Any], key: str) -> str:
        """An edit's wall seconds and how many PDFs it rendered."""
        stages = get(result, key, "stages") or {}
        made = stages["pdfs"] - stages["pdfs_reused"] if "pdfs" in stages else None
        return f"{seconds(get(result, key, 'wall_s'))} ({seconds(made, 0)})"

    def serve_cell(result: dict[str, Any]) -> str:
        """Serve latency of each session, or what went wrong."""
        serve = result.get("serve")
        if not serve:
            return "-"
        return " / ".join(seconds(s["latency_s"]) if s["latency_s"] is not None else s.get("error") or "timeout"
                          for s in serve["sessions"])

    lines: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("languages / pages / PDFs", lambda r: f"{r['languages']} / {r.get('pages')} / {r.get('pdfs')}"),
        ("check, wall s", lambda r: seconds(get(r, "check", "wall_s"))),
        ("cold, wall s", lambda r: seconds(get(r, "cold", "wall_s"))),
        ("cold, CPU s (process tree)", lambda r: seconds(get(r, "cold", "cpu_s"))),
        ("cold, PDF / site stage s", lambda r: f"{seconds(get(r, 'cold', 'stages', 'pdf_s'))} / "
                                               f"{seconds(get(r, 'cold', 'stages', 'site_s'))}"),
        ("cold, peak RSS MiB (tree)", lambda r: seconds((get(r, "cold", "peak_rss_bytes") or 0) / 2 ** 20, 0)),
        ("no-op, wall s", lambda r: seconds(get(r, "noop", "wall_s"))),
        ("no-op, CPU s", lambda r: seconds(get(r, "noop", "cpu_s"))),
        ("translation edit, wall s (PDFs made)", lambda r: edit_cell(r, "edit_translation")),
        ("English edit, wall s (PDFs made)", lambda r: edit_cell(r, "edit_source")),
        ("serve: English edit served, s", serve_cell),
        ("raw WeasyPrint, CPU s (warm)", lambda r: seconds(get(r, "weasyprint", "cpu_s"))),
        ("raw WeasyPrint, warm-up s", lambda r: seconds(get(r, "weasyprint", "warmup", "cpu_s"))),
        ("static-i18n build, wall s", lambda r: seconds(get(r, "static_i18n", "wall_s"))),
        ("static-i18n build, CPU s", lambda r: seconds(get(r, "static_i18n", "cpu_s"))),
    ]
    cells = [(label, [cell(results[n]) for n in names]) for label, cell in lines]
    width = max(len(label) for label, _ in lines) + 2
    column = max(len(c) for _, values in cells for c in [*values, *names]) + 3
    text = [f"{'':<{width}}" + "".join(f"{n:>{column}}" for n in names)]
    for label, values in cells:
        text.append(f"{label:<{width}}" + "".join(f"{c:>{column}}" for c in values))
    if scale:
        text.append("")
        text.append("20 languages / 10 languages: cold wall {}, cold CPU {}, no-op {}, static-i18n {}".format(
            *(seconds(scale.get(k), 2) for k in ("scaling_cold", "scaling_cold_cpu", "scaling_noop",
                                                 "scaling_static_i18n"))))
    text.append("")
    text.append(f"{'goal':<52}{'corpus':>15}{'value':>9}{'limit':>8}  verdict")
    for row in rows:
        mark = "" if row["named_by_issue"] else "  (not the issue's corpus)"
        text.append(f"{row['what']:<52}{row['corpus']:>15}{seconds(row['value'], 2):>9}{row['limit']:>8}  "
                    f"{row['verdict']}{mark}")
    return "\n".join(text)


def snapshot(work: Path, head: bool) -> Path:
    """A copy of the code to measure (build.py, carepath/) and of the example toolkit, under `work`/code: as
    committed (`head`, with `git archive HEAD`), else as the working tree has them now.

    Others change the working tree while a run goes on (a run takes an hour or more): every build, serve and
    reference of one run then measures the same version, and every corpus starts from the same example.
    """
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    code.mkdir(parents=True)
    if head:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", "HEAD", "build.py", "carepath", REFERENCES, *SOURCES],
            cwd=ROOT, capture_output=True, check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
        return code
    shutil.copy2(ROOT / "build.py", code / "build.py")
    (code / REFERENCES).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / REFERENCES, code / REFERENCES)  # the references import the code measured: the same version
    shutil.copytree(ROOT / "carepath", code / "carepath", ignore=shutil.ignore_patterns("__pycache__"))
    return copy_example(code, ROOT)


def fingerprint(code: Path) -> str:
    """A short hash over the code and example files measured, to tell whether two runs measured the same."""
    digest = hashlib.sha256()
    for path in sorted(p for p in code.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p.parts[len(code.parts)] in ("build.py", "carepath", *SOURCES)):
        digest.update(path.relative_to(code).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def machine(code: Path) -> dict[str, Any]:
    """What the numbers were measured on: cores, load, versions, the commit and the code measured."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True)
    return {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "cores": os.cpu_count(),
            "load_average": os.getloadavg(), "python": platform.python_version(),
            "commit": commit.stdout.strip(), "uncommitted_changes": dirty.stdout.split("\n")[:40],
            "code": str(code), "code_fingerprint": fingerprint(code)}


def report(corpora: Sequence[str]) -> int:
    """Print the tables from the results of an earlier run (the corpora that have some)."""
    results = {}
    for name in corpora:
        path = RESULTS / f"{name}.json"
        if path.is_file():
            results[name] = json.loads(path.read_text(encoding="utf-8"))
            results[name]["ratios"] = corpus_ratios(results[name])
    if not results:
        print(f"no results in {RESULTS} for {', '.join(corpora)}", file=sys.stderr)
        return 1
    summary = RESULTS / "summary.json"
    if summary.is_file():
        before = json.loads(summary.read_text(encoding="utf-8"))
        print(f"last run: {before['machine']['date']}, load average {before['machine']['load_average'][0]:.1f} "
              f"at the start and {before['load_average_after'][0]:.1f} at the end, {before['workers']} workers, "
              f"best of {before['runs']}, commit {before['machine']['commit']}")
    scale = scaling(results)
    print(table(results, scale, verdicts(results, scale)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print its tables and write bench/results/."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", default="example,lang10,lang20",
                        help="comma-separated corpora: example, tiny, lang<N> (default example,lang10,lang20)")
    parser.add_argument("--runs", type=int, default=2, help="runs of each measure; the best is reported (2)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="--workers of the builds")
    parser.add_argument("--skip", default="", help="comma-separated measures to leave out: serve, edit_source, "
                                                   "static-i18n, weasyprint")
    parser.add_argument("--serve-timeout", type=float, default=600.0,
                        help="seconds to wait for serve to start, and for each edit to be served (600)")
    parser.add_argument("--work", type=Path, help="where to generate corpora and build (default: a temporary "
                                                  "folder, removed at the end)")
    parser.add_argument("--code", choices=("head", "worktree", "live"), default="head",
                        help="what to measure: a copy of the last commit (head, the default), a copy of the "
                             "working tree taken at the start (worktree), or the working tree as it is at each "
                             "step (live)")
    parser.add_argument("--report", action="store_true",
                        help="measure nothing: print the tables again from bench/results/<corpus>.json")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: the tiny corpus (English and French), one run of each measure")
    args = parser.parse_args(argv)
    if args.quick:
        args.corpus, args.runs, args.serve_timeout = "tiny", 1, min(args.serve_timeout, 300.0)
    args.runs = max(args.runs, 1)
    args.skip = [s for s in args.skip.split(",") if s]
    corpora = [c for c in args.corpus.split(",") if c]
    if args.report:
        return report(corpora)
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="carepath-bench-"))
    started = time.perf_counter()

    def say(message: str) -> None:
        """Progress on stderr, with the time since the start."""
        print(f"{time.perf_counter() - started:7.0f} s  {message}", file=sys.stderr, flush=True)

    code = args.code
    args.code = ROOT if code == "live" else snapshot(work, head=code == "head")
    sys.path.insert(0, str(args.code))  # the corpora are made with the carepath measured (new-locale, status)
    before = machine(args.code)
    results: dict[str, dict[str, Any]] = {}
    try:
        for name in corpora:
            results[name] = bench_corpus(name, work, args, say)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    scale = scaling(results)
    rows = verdicts(results, scale)
    summary = {"machine": before, "code_measured": code, "load_average_after": os.getloadavg(), "runs": args.runs,
               "workers": args.workers, "corpora": corpora, "scaling": scale, "goals": rows,
               "ratios": {name: result["ratios"] for name, result in results.items()}}
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"{before['cores']} cores, load average {before['load_average'][0]:.1f} at the start and "
          f"{summary['load_average_after'][0]:.1f} at the end, {args.workers} workers, best of {args.runs}, "
          f"commit {before['commit']}{' with uncommitted changes' if before['uncommitted_changes'] else ''}, "
          f"measured: {code} (code {before['code_fingerprint']})")
    print(table(results, scale, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
