"""The site built one language at a time: languages whose inputs did not change are reused, and shards built
apart (on several machines of a CI matrix) merge into the very bytes of one whole build."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import ROOT, Built, copy_built, fingerprint, run_build

from carepath.write.languages import LanguageChoiceError, MergeError, assemble, select_languages, shards_of

TAGS = ["en", "ar", "es", "sw"]  # the example's languages, in its order (the source first)


def merge(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `python build.py merge ARGS` as CI would, in a new process."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "merge", *map(str, args)], capture_output=True, text=True, timeout=300,
    )


def unchanged(stderr: str) -> int:
    """How many languages a build said it reused unchanged."""
    found = re.search(r"in (\d+) languages \((\d+) unchanged\)", stderr)
    assert found, stderr
    return int(found[2])


@pytest.fixture(scope="module")
def shards(example: Built, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The example built again as three shards, each into its own folder (PDFs and pages from the caches)."""
    root = copy_built(example.root, tmp_path_factory.mktemp("sharded") / "toolkit")
    folders = []
    for index in (1, 2, 3):
        folder = root.parent / f"shard-{index}"
        result = run_build(root, "build", "--shard", f"{index}/3", "--site-dir", str(folder))
        assert result.returncode == 0, result.stderr
        assert "a shard for merge" in result.stderr
        folders.append(folder)
    return root, folders


def test_languages_are_dealt_to_shards_in_turn_and_named_ones_kept_in_order() -> None:
    assert [select_languages(TAGS, shard=(i, 3)) for i in (1, 2, 3)] == [["en", "sw"], ["ar"], ["es"]]
    assert select_languages(TAGS, shard=(5, 5)) == []  # more shards than languages: an empty one, not an error
    assert select_languages(TAGS, locales=["sw", "en"]) == ["en", "sw"]
    with pytest.raises(LanguageChoiceError, match=r"no language fr in this toolkit \(it has en, ar, es, sw\)"):
        select_languages(TAGS, locales=["fr"])


def test_sharded_and_merged_is_byte_identical_to_one_build(example: Built, shards: tuple[Path, list[Path]]) -> None:
    _root, folders = shards
    built = [json.loads((f / "carepath-part.json").read_text())["built"] for f in folders]
    assert built == [["en", "sw"], ["ar"], ["es"]]
    target = folders[0].parent / "merged"
    result = merge(*folders, "--site-dir", target)
    assert result.returncode == 0, result.stderr
    assert "merged 48 pages in 4 languages (en, ar, es, sw)" in result.stderr
    assert fingerprint(target) == fingerprint(example.site)  # every file, PDFs, sitemap and search included


@pytest.mark.slow
def test_a_merge_missing_a_language_or_holding_one_twice_writes_nothing(
    example: Built, shards: tuple[Path, list[Path]], tmp_path: Path,
) -> None:
    _root, folders = shards
    target = tmp_path / "site"
    result = merge(folders[0], folders[1], "--site-dir", target)
    assert result.returncode == 1
    assert "no shard holds the language es: build it with --locales es, or merge the shard that has it" in result.stderr
    assert not target.exists()
    twice = tmp_path / "again"
    shutil.copytree(folders[1], twice)
    with pytest.raises(MergeError, match=r"the language ar is in two shards"):
        shards_of([*folders, twice])
    assert merge(tmp_path, "--site-dir", target).returncode == 1  # not a shard: said, nothing written
    assert not target.exists()


@pytest.mark.slow
def test_an_unknown_language_stops_the_build_before_anything_is_written(example: Built, tmp_path: Path) -> None:
    root = copy_built(example.root, tmp_path / "toolkit")
    before = fingerprint(root / "site")
    result = run_build(root, "build", "--locales", "en,fr")
    assert result.returncode == 2
    assert "error: no language fr in this toolkit (it has en, ar, es, sw)" in result.stderr
    assert "Traceback" not in result.stderr
    assert fingerprint(root / "site") == before


@pytest.mark.slow
def test_a_rebuild_reuses_every_language_and_an_edit_rebuilds_only_what_it_changes(
    example: Built, tmp_path: Path,
) -> None:
    root = copy_built(example.root, tmp_path / "toolkit")
    again = run_build(root, "build")
    assert again.returncode == 0, again.stderr
    assert unchanged(again.stderr) == 4  # nothing changed: no language is built again
    assert fingerprint(root / "site") == fingerprint(example.site)
    # a Swahili interface string that only the website shows: Swahili alone is built again, no PDF is made,
    # and the other languages' pages are exactly those of the build before
    # (a new word each run: the shared cache keeps the parts of earlier runs, and would rightly reuse them)
    label = f"Ondoka hapa sasa {uuid.uuid4().hex[:6]}"
    locale = root / "locales/sw.yml"
    locale.write_text(locale.read_text(encoding="utf-8").replace(
        'exit.label: "Ondoka kwenye tovuti hii"', f'exit.label: "{label}"'), encoding="utf-8")
    before = fingerprint(root / "site")
    edited = run_build(root, "build")
    assert edited.returncode == 0, edited.stderr
    assert unchanged(edited.stderr) == 3 and "(rendered)" not in edited.stderr
    assert label in (root / "site/sw/how-to-use.html").read_text(encoding="utf-8")
    after = fingerprint(root / "site")
    others = {path for path in before if not path.startswith("sw/")} - {"sitemap.xml", "sitemap.xml.gz"}
    assert {path: after.get(path) for path in others} == {path: before[path] for path in others}


def test_assemble_refuses_a_file_two_languages_would_write(tmp_path: Path) -> None:
    for tag in ("en", "es"):
        (tmp_path / tag / "site").mkdir(parents=True)
        (tmp_path / tag / "site" / "index.html").write_text(tag)
        (tmp_path / tag / "urls.xml").write_text("")
        (tmp_path / tag / "search.json").write_text(json.dumps({tag: 0}))
    parts = {tag: tmp_path / tag for tag in ("en", "es")}
    with pytest.raises(MergeError, match=r"index.html comes from two languages"):
        assemble(parts, ["en", "es"], tmp_path / "site")


def test_the_shipped_workflow_builds_every_shard_and_merges_them() -> None:
    import yaml

    from carepath.cli import parser

    workflow = yaml.safe_load((ROOT / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    count = int(workflow["env"]["SHARDS"])
    assert workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"] == list(range(1, count + 1))
    runs = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    build = next(r for r in runs if "build.py build" in r)
    merged = next(r for r in runs if "build.py merge" in r)
    for index in range(1, count + 1):  # each line as the shell would give it to build.py
        line = build.replace("${{ matrix.shard }}", str(index)).replace("${{ env.SHARDS }}", str(count))
        args = parser().parse_args(line.split()[2:])
        assert args.shard == (index, count) and str(args.site_dir) == f"shard-{index}"
        assert f"shard-{index}".startswith(merged.split()[3].rstrip("*"))
    assert workflow["jobs"]["merge"]["needs"] == "shard"
