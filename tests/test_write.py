"""Nothing lost, nothing left behind: builds killed, run twice at once, or failing inside a stage; and serve."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, copy_toolkit, run_build

import carepath.commands  # noqa: F401  (first, as the command line does: carepath.load imported alone is circular)
from carepath.write import WriteFailed
from carepath.write import site as write_site
from carepath.write.lock import OwnedFolder, build_lock, remove_stale

BROKEN_SERVICES = "services: [\n"  # content/services.yml that does not parse: check stops the build at once
PAGES = 48  # pages of the example: 11 per language and the old address of a renamed page


def start(
    root: Path, *args: str, env: dict[str, str] | None = None, stderr: Path | None = None,
) -> subprocess.Popen[str]:
    """Start `build.py ARGS --root ROOT` in the background; its stderr goes to a file when one is given."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), *args, "--root", str(root)],
        stdout=subprocess.DEVNULL, stderr=stderr.open("w") if stderr else subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
        # a test run started in the background inherits an ignored SIGINT: give the command Ctrl-C back
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2:].split()[1])
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> set[int]:
    """The processes started by `pid`, and by them."""
    tree, found, todo = children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def wait_for(condition: Callable[[], object], seconds: float, what: str) -> None:
    """Poll `condition` until it holds; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.1)


def pdf_workers(build: subprocess.Popen[str]) -> set[int]:
    """The build's PDF workers that are ready to render: past their initializer, WeasyPrint (and Pango) loaded."""
    found = set()
    for pid in descendants(build.pid):
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes() and (
                    b"libpango" in Path(f"/proc/{pid}/maps").read_bytes()):
                found.add(pid)
        except OSError:
            pass
    return found


def rendering(build: subprocess.Popen[str]) -> set[int]:
    """Wait until a cold build's two workers are ready, then rendering; the build's processes then."""
    wait_for(lambda: len(pdf_workers(build)) == 2 or build.poll() is not None, 300, "two ready PDF workers")
    assert build.poll() is None, "the build is rendering PDFs"
    return descendants(build.pid)


def leftovers(root: Path) -> list[str]:
    """Staging or old site folders beside site/, and work folders in .carepath/."""
    beside = [p.name for p in root.iterdir() if p.name.startswith(".site")]
    work = [p.name for p in (root / ".carepath").iterdir() if p.name.startswith("work")] if (
        root / ".carepath").is_dir() else []
    return sorted(beside + work)


def pages(site: Path) -> int:
    """Content pages of a built site."""
    return sum(1 for p in site.rglob("*.html") if p.name != "404.html" and "assets" not in p.parts)


# --- Publishing is one step; the two-rename fallback is undone by the very next command --------------------


def test_publish_swaps_the_site_in_one_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    probe_a, probe_b = tmp_path / "a", tmp_path / "b"
    probe_a.mkdir()
    probe_b.mkdir()
    if not write_site.exchange(probe_a, probe_b):
        pytest.skip("this file system cannot swap two folders at once (the two-rename fallback is tested below)")
    target, staging = tmp_path / "site", tmp_path / ".site.abcdefgh" / "site"
    target.mkdir()
    (target / "index.html").write_text("old", encoding="utf-8")
    staging.mkdir(parents=True)
    (staging / "index.html").write_text("new", encoding="utf-8")
    renames: list[tuple[str, str]] = []
    real = os.replace
    monkeypatch.setattr(write_site.os, "replace", lambda a, b: renames.append((str(a), str(b))) or real(a, b))
    write_site.publish(staging, target)
    assert renames == [], "no rename that leaves a moment without site/"
    assert (target / "index.html").read_text(encoding="utf-8") == "new"
    assert not staging.exists() and not (tmp_path / ".site.old").exists()


def test_publish_cut_between_its_two_renames_is_put_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target, staging = tmp_path / "site", tmp_path / "staging"
    target.mkdir()
    (target / "index.html").write_text("old", encoding="utf-8")
    staging.mkdir()
    (staging / "index.html").write_text("new", encoding="utf-8")
    monkeypatch.setattr(write_site, "exchange", lambda _a, _b: False)  # a system without RENAME_EXCHANGE
    real, calls = os.replace, []

    def killed_after_the_first(a: Path, b: Path) -> None:
        calls.append(a)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process dies here, between the two renames
        real(a, b)

    monkeypatch.setattr(write_site.os, "replace", killed_after_the_first)
    with pytest.raises(KeyboardInterrupt):
        write_site.publish(staging, target)
    assert not target.exists() and (tmp_path / ".site.old").is_dir()  # the state a kill leaves
    monkeypatch.setattr(write_site.os, "replace", real)
    write_site.recover(target)
    assert (target / "index.html").read_text(encoding="utf-8") == "old"
    assert not (tmp_path / ".site.old").exists()


@pytest.mark.slow
def test_the_next_build_puts_back_a_site_left_between_the_renames_even_when_it_fails(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    old = root / ".site.old"
    old.mkdir()
    (old / "index.html").write_text("the site before", encoding="utf-8")
    (root / "content/services.yml").write_text(BROKEN_SERVICES, encoding="utf-8")
    result = run_build(root, "build")
    assert result.returncode == 1, result.stderr
    assert "build stopped: nothing was written; the previous site is unchanged" in result.stderr
    assert (root / "site/index.html").read_text(encoding="utf-8") == "the site before"
    assert leftovers(root) == []


# --- Staging folders of killed builds; workers that outlive their build ------------------------------------


def test_staging_folders_whose_build_is_gone_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    stale = root / ".site.k9stale0"
    (stale / "site").mkdir(parents=True)
    (stale / "site" / "index.html").write_text("half a site", encoding="utf-8")
    with OwnedFolder(root, ".site.") as live:  # another build of the same name, still running
        assert [p.name for p in remove_stale(root, ".site.")] == [stale.name]
        assert live.is_dir() and not stale.exists()
        (root / ".site.old").mkdir()  # not a staging folder: recover() decides about it
        assert remove_stale(root, ".site.") == []
    assert not live.exists()


@pytest.mark.slow
def test_kill_9_takes_the_pdf_workers_along_and_the_next_build_cleans_up(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    cold = {"CAREPATH_CACHE_DIR": str(tmp_path / "cold-cache")}  # every PDF to render: workers for a while
    build = start(root, "build", "--workers", "2", env=cold)
    workers = rendering(build)
    build.kill()
    build.wait(10)
    # without carepath's care they live on, waiting for work that never comes (for hours, on this machine)
    wait_for(lambda: not any(alive(pid) for pid in workers), 10, "the workers to die with their build")
    assert [p.name for p in root.glob(".site.*")], "kill -9 leaves its staging folder (the failure mode)"
    result = run_build(root, "build")  # the shared, warm cache
    assert result.returncode == 0, result.stderr
    assert "removed the staging folders of builds that were stopped" in result.stderr
    assert leftovers(root) == []
    assert pages(root / "site") == PAGES


@pytest.mark.slow
def test_sigterm_stops_the_build_its_workers_and_removes_its_folders(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    build = start(root, "build", "--workers", "2", env={"CAREPATH_CACHE_DIR": str(tmp_path / "cold-cache")})
    workers = rendering(build)
    build.terminate()
    _, stderr = build.communicate(timeout=30)
    assert build.returncode == 143, stderr
    assert "build interrupted: nothing was written; the previous site is unchanged" in stderr
    assert "Traceback" not in stderr
    wait_for(lambda: not any(alive(pid) for pid in workers), 10, "the workers to end with their build")
    assert leftovers(root) == [] and not (root / "site").exists()


# --- One build at a time, each with its own work folder -----------------------------------------------------


@pytest.mark.slow
def test_a_second_build_says_it_waits_and_gives_up_after_wait(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    with build_lock(root / ".carepath", 0, lambda _: None):  # as if a build of this toolkit were running
        result = run_build(root, "build", "--wait", "1")
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert f"  another build is running (pid {os.getpid()}); waiting" in lines, result.stderr
    assert lines[-1] == (
        f"build not started: another build of this toolkit (pid {os.getpid()}) was still running after 1 s; "
        "nothing was written. Let it finish or stop it, then build again (--wait sets how long to wait)"
    )
    assert not (root / "site").exists() and leftovers(root) == []


@pytest.mark.slow
def test_two_builds_at_once_both_publish_a_whole_site(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    first = start(root, "build", stderr=tmp_path / "first.txt")
    second = start(root, "build", stderr=tmp_path / "second.txt")
    assert first.wait(600) == 0, (tmp_path / "first.txt").read_text()
    assert second.wait(600) == 0, (tmp_path / "second.txt").read_text()
    said = (tmp_path / "first.txt").read_text() + (tmp_path / "second.txt").read_text()
    assert re.search(r"another build is running \(pid (\d+)\); waiting", said), said
    assert said.count(f"built {PAGES} pages and 40 PDFs") == 2, said
    assert pages(root / "site") == PAGES
    assert leftovers(root) == [], "no shared .carepath/work, no staging folder left"


# --- An error inside a stage names the stage and its input (also test_check.test_failed_stage_keeps_the_previous_site)


@pytest.mark.slow
def test_an_error_in_a_pdf_worker_names_the_pdf(tmp_path: Path) -> None:
    from carepath.render.print_kit import PrintJob
    from carepath.write.pdf import write_pdfs

    job = PrintJob(
        path="es/print/odd-a4.pdf", html="<p>x</p>", base_url=str(tmp_path), lang="es", fonts=(),
        key="f" * 64, allowed=("not/absolute",),  # the worker's sandbox refuses to start: a ValueError there
    )
    with pytest.raises(WriteFailed) as raised:
        write_pdfs([job, replace(job, path="print/other-a4.pdf", key="e" * 64)], tmp_path / "out",
                   tmp_path / "cache", workers=1)
    assert raised.value.output in ("the PDF es/print/odd-a4.pdf", "the PDF print/other-a4.pdf")
    assert isinstance(raised.value.__cause__, ValueError)
    assert not list((tmp_path / "cache").glob("*.pdf"))


# --- serve ------------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    """A page's text, or None while the server does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def start_serve(root: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], str, Path, Path]:
    """Start `build.py serve` with a temporary folder of its own; wait until it answers. Its URL, log and folder."""
    temp = tmp_path / "temp"
    temp.mkdir()
    port, log = free_port(), tmp_path / "serve.txt"
    server = start(root, "serve", "--port", str(port), env={"TMPDIR": str(temp)}, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    wait_for(lambda: fetch(url) or server.poll() is not None, 300, "the first page")
    return server, url, log, temp


@pytest.mark.slow
def test_serve_serves_rebuilds_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """Stopped with SIGTERM, as a service manager stops it (Ctrl-C, SIGINT: the test after the next)."""
    stop = signal.SIGTERM
    root = copy_toolkit(tmp_path / "toolkit")
    old = root / ".site.old"  # a build killed between publishing's two renames: serve puts site/ back too
    old.mkdir()
    (old / "index.html").write_text("the site before", encoding="utf-8")
    server, url, log, temp = start_serve(root, tmp_path)
    try:
        first = fetch(url)
        assert first and "Need help now?" in first, log.read_text()
        assert (root / "site/index.html").read_text(encoding="utf-8") == "the site before"
        assert [p.name[:15] for p in temp.iterdir()] == ["carepath-serve-"]
        # a change to the sources shows after the rebuild: a Swahili interface string only the website shows (no
        # PDF to render again, one language to build), new in each run (the shared cache keeps earlier runs' parts)
        label = f"Ondoka hapa sasa {time.time_ns()}"
        locale = root / "locales/sw.yml"
        locale.write_text(locale.read_text(encoding="utf-8").replace(
            'exit.label: "Ondoka kwenye tovuti hii"', f'exit.label: "{label}"'), encoding="utf-8")
        wait_for(lambda: label in (fetch(url + "sw/") or "") or server.poll() is not None, 300, "the rebuild")
        assert server.poll() is None, log.read_text()
        # open pages reload themselves: the reload script is a file of the server, which the page's policy allows
        page = fetch(url + "sw/") or ""
        assert re.search(r'<script src="/\.carepath-preview/reload\.js" data-epoch="\d+"', page), page[-400:]
        assert "script-src 'self'" in page
        assert "location.reload()" in (fetch(f"{url}.carepath-preview/reload.js") or "")
        workers = descendants(server.pid)
    finally:
        server.send_signal(stop)
        server.wait(60)
    assert server.returncode == 0, log.read_text()
    said = log.read_text()
    assert "Traceback" not in said
    rebuilt = rf"^rebuilt in \d+\.\d s: {PAGES} pages, \d of 4 languages built again"
    assert len(re.findall(rebuilt, said, re.M)) >= 2, said
    # its processes (MkDocs', the PDF workers of a background render, the resource tracker) end with it
    wait_for(lambda: not any(alive(pid) for pid in workers), 15, "serve's processes to end")
    assert list(temp.iterdir()) == [], "serve removes its own folder"
    assert leftovers(root) == []


@pytest.mark.slow
def test_serve_shows_the_edited_language_first_then_the_others(tmp_path: Path) -> None:
    """An English edit also changes the other languages' pages (their translation of it is now outdated): the
    English page is served after building English alone, the other three follow in a rebuild of their own. The
    changelog is a page no PDF prints: no PDF is made again."""
    root = copy_toolkit(tmp_path / "toolkit")
    server, url, log, _temp = start_serve(root, tmp_path)
    try:
        # a line no earlier run wrote: the shared cache of built languages must not have it already
        line = f"A new line first, written at {time.time_ns()}."
        page = root / "content/en/pages/changelog.md"
        page.write_text(page.read_text(encoding="utf-8").replace("\n\n", f"\n\n{line}\n\n", 1), encoding="utf-8")
        wait_for(lambda: line in (fetch(url + "changelog.html") or "") or server.poll() is not None,
                 300, "the English page")
        first = re.findall(r"^rebuilt in .*$", log.read_text(), re.M)[-1]
        assert "1 of 4 languages built again; 3 more follow" in first, log.read_text()
        assert "PDFs being made" not in first, first  # the booklet leaves the changelog out: no PDF changed
        spanish = (root / "content/es/pages/changelog.md").is_file()
        def followed() -> bool:
            """The rebuild of the other three has been served: each built again, or taken from the shared cache,
            where an earlier run left the very same pages (an outdated notice does not say what changed)."""
            rebuilt = re.findall(r"^rebuilt in .*$", log.read_text(), re.M)
            return rebuilt[-1] != first and bool(re.search(r"\d of 4 languages built again$", rebuilt[-1]))

        wait_for(lambda: followed() or server.poll() is not None, 300, "the other languages")
        assert server.poll() is None, log.read_text()
        if spanish:  # Spanish has its own translation of the page: it now says the English changed
            assert "cp-notice" in (fetch(url + "es/changelog.html") or "")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)
    assert server.returncode == 0 and "Traceback" not in log.read_text(), log.read_text()


@pytest.mark.slow
def test_serve_shows_the_problems_until_the_first_build_then_the_site(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    services = root / "content/services.yml"
    good = services.read_text(encoding="utf-8")
    services.write_text(BROKEN_SERVICES, encoding="utf-8")
    server, url, log, temp = start_serve(root, tmp_path)
    try:
        for page in ("", "signs.html", "es/index.html"):  # every page: what stops the build, never a 404
            shown = fetch(url + page) or ""
            assert "The preview is not built yet" in shown, shown
            assert "content/services.yml:" in shown
            assert "/.carepath-preview/reload.js" in shown  # and it reloads itself once fixed
        services.write_text(good, encoding="utf-8")
        wait_for(lambda: "Need help now?" in (fetch(url) or "") or server.poll() is not None, 300, "the site")
        assert server.poll() is None, log.read_text()
        workers = descendants(server.pid)
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C
        server.wait(60)
    said = log.read_text()
    assert server.returncode == 0, said
    wait_for(lambda: not any(alive(pid) for pid in workers), 15, "serve's processes to end")
    assert "the preview shows the last good build, or these problems until there is one" in said
    assert "Traceback" not in said
    assert list(temp.iterdir()) == []
