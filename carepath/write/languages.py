"""Write stage: the website built one language at a time, in parallel, each reused while its inputs stay the same.

A language's MkDocs build depends only on the generated configuration, the theme overrides, its own pages and
the names of the other languages' pages (for the language switcher). Its output is a *language part*: the files
it publishes (`site/`) and its entries of the sitemap (`urls.xml`). Parts are cached by a key over those inputs,
and assembled into a site by `assemble`: the same function for one build and for `merge` of shards built on
several machines, so both give the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from jinja2.exceptions import SecurityError

from carepath.layout import LUNR_LANGUAGES
from carepath.versions import carepath_digest, package_versions
from carepath.write import WriteFailed
from carepath.write.hooks import UnsafePage, headers_file
from carepath.write.lock import die_with

if TYPE_CHECKING:  # the model is the main process's: the MkDocs workers import this module, not it
    from carepath.model import Model

PART_SITE = "site"  # in a language part: the files it publishes
HEADERS_FILE = "_headers"  # the HTTP headers of every page, for hosts that read it (Netlify, Cloudflare Pages)
REDIRECTS_FILE = "_redirects"  # Netlify's rules: each language's own 404 page
REDIRECTS_HEAD = "# Written by carepath: an address not on the site shows the 404 page of its language's folder\n"
NOT_FOUND_PAGE = "404.html"
LANGUAGE_PARTIALS = "partials/languages/"  # in the theme overrides: Material's strings of each language
PART_URLS = "urls.xml"  # in a language part: its <url> entries of the sitemap
PART_SEARCH = "search.json"  # in a language part: how many entries its search index has
MANIFEST = "carepath-part.json"  # in a shard's folder: which languages it holds, of which toolkit
KEEP_PARTS = 3  # cached parts kept per language: the current one and a few to go back to
URL_ENTRY = re.compile(r"<url>.*?</url>", re.S)
LOC = re.compile(r"<loc>[^<]*</loc>")
NOINDEX = '<meta name="robots" content="noindex">'

SITEMAP_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
SITEMAP_FOOT = "</urlset>\n"
# What a language part takes from its MkDocs build: its own folder, and from the source language the files
# every language shares (theme assets, the 404 page).
SHARED_FILES = ("assets", NOT_FOUND_PAGE)
KNOWN_ERRORS = (UnsafePage, SecurityError, WriteFailed)  # a worker's errors the build reports as they are


@dataclass(frozen=True)
class Language:
    """One language of the site to build: its tag, whether it is the source (at the root), its search language."""

    tag: str
    is_source: bool
    search_language: str | None  # None: English stemming

    @property
    def prefix(self) -> str:
        """Its folder in the site: '' for the source, 'es/' for the others."""
        return "" if self.is_source else f"{self.tag}/"


def site_languages(model: Model, tags: Iterable[str] | None = None) -> list[Language]:
    """The languages of a toolkit's site (those of `tags` only, if given), in the toolkit's order."""
    chosen = None if tags is None else set(tags)
    return [
        Language(t.locale.tag, t.is_source, t.locale.search_language)
        for t in model.toolkits if chosen is None or t.locale.tag in chosen
    ]


def _versions() -> str:
    """The versions of everything that turns the sources into a language's pages."""
    return package_versions(
        ("carepath", "mkdocs", "mkdocs-material", "mkdocs-static-i18n", "markdown", "pymdown-extensions"))


def _hash_tree(digest: hashlib._Hash, folder: Path, names_only: bool = False) -> None:
    """Feed every file under `folder` (its path, and its bytes unless `names_only`) into `digest`."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        if not names_only:
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def _own_config(work: Path, tag: str) -> bytes:
    """The generated mkdocs.yml as one language's build reads it: the other languages' entries keep what the
    language switcher shows of them (name, link, site name), not their page strings (extra, description),
    which only their own builds use. Unreadable as plain YAML: the whole file, so that nothing is missed."""
    text = (work / "mkdocs.yml").read_bytes()
    try:
        # read once per language of every build: by libyaml where PyYAML has it (PyYAML's Python code: 0.15 s each)
        config = yaml.load(text, Loader=yaml.CSafeLoader) if yaml.__with_libyaml__ else yaml.safe_load(text)
        for plugin in config["plugins"]:
            if isinstance(plugin, dict) and "i18n" in plugin:
                for entry in plugin["i18n"]["languages"]:
                    if entry.get("locale") != tag:
                        entry.pop("extra", None)
                        entry.pop("site_description", None)
        return json.dumps(config, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    except (yaml.YAMLError, KeyError, TypeError, AttributeError):
        return text


def part_key(work: Path, language: Language, tags: Iterable[str]) -> str:
    """The cache key of a language part: everything its MkDocs build reads from the generated sources."""
    digest = hashlib.sha256()
    digest.update(_versions().encode("utf-8") + carepath_digest().encode("utf-8"))  # the hooks and this module too
    digest.update(json.dumps([language.tag, language.is_source, language.search_language]).encode("utf-8"))
    # the configuration names this build's own folder (docs_dir, custom_dir): the same for every build here
    digest.update(_own_config(work, language.tag).replace(os.fsencode(work), b"WORK"))
    for path in sorted(p for p in (work / "overrides").rglob("*") if p.is_file()):
        relative = path.relative_to(work / "overrides").as_posix()
        if relative.startswith(LANGUAGE_PARTIALS) and relative != f"{LANGUAGE_PARTIALS}{language.tag}.html":
            continue  # another language's interface strings: only its own build reads them
        digest.update(relative.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    for tag in tags:  # the other languages' page names make the switcher's links; their text does not count
        folder = work / "docs" / tag
        if folder.is_dir():
            digest.update(f"\0docs/{tag}/\0".encode())
            _hash_tree(digest, folder, names_only=tag != language.tag)
    return digest.hexdigest()


def _localize_search(built: Path, language: Language, part: Path) -> int:
    """Move a language's search index into its folder, with its own Lunr language; return its entry count."""
    index_file = built / "search" / "search_index.json"
    index = json.loads(index_file.read_text(encoding="utf-8"))
    prefix = language.prefix
    docs = [{**d, "location": d["location"][len(prefix):]} for d in index["docs"] if d["location"].startswith(prefix)]
    lunr = language.search_language
    config = {**index["config"], "lang": [lunr if lunr in LUNR_LANGUAGES or lunr == "en" else "en"]}
    target = part / PART_SITE / prefix / "search" / "search_index.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"config": config, "docs": docs}, ensure_ascii=False)
    target.write_text(text, encoding="utf-8")
    # Browsers refuse to fetch() a file: URL, so Material reads the index from a script that sets __index.
    target.with_suffix(".js").write_text("var __index = " + text, encoding="utf-8")
    return len(docs)


def _take_part(built: Path, language: Language, part: Path) -> None:
    """Turn one language's MkDocs output into its part: its pages, the shared files if source, sitemap entries."""
    site = part / PART_SITE
    site.mkdir(parents=True)
    if language.is_source:
        for path in sorted(built.iterdir()):
            if path.name in ("search", "sitemap.xml", "sitemap.xml.gz") or path.name.startswith("."):
                continue
            if path.is_dir() and (built / path.name / "index.html").is_file() and path.name not in SHARED_FILES:
                continue  # another language's folder (never there: each build writes only its own pages)
            os.replace(path, site / path.name)
    else:
        os.replace(built / language.tag, site / language.tag)
        if (built / NOT_FOUND_PAGE).is_file():  # this build's 404 page is in this language: its own, in its folder
            os.replace(built / NOT_FOUND_PAGE, site / language.tag / NOT_FOUND_PAGE)
    entries = _localize_search(built, language, part)
    (part / PART_SEARCH).write_text(json.dumps({language.tag: entries}), encoding="utf-8")
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8") if (built / "sitemap.xml").is_file() else ""
    # a page that asks not to be indexed (a renamed page's old address) is left out of the sitemap too
    unlisted = tuple(f"/{p.relative_to(site).as_posix()}</loc>" for p in site.rglob("*.html")
                     if NOINDEX in p.read_text(encoding="utf-8"))
    urls = [m for m in URL_ENTRY.findall(sitemap) if not _loc(m).endswith(unlisted)]
    (part / PART_URLS).write_text("".join(f"    {m}\n" for m in urls), encoding="utf-8")


def _loc(entry: str) -> str:
    """The <loc> element of a sitemap entry ('' if it has none)."""
    found = LOC.search(entry)
    return found.group(0) if found else ""


def build_language(config_file: str, tag: str, is_source: bool, search_language: str | None, part: str) -> None:
    """Build one language's pages with MkDocs into `part` (run in a worker process)."""
    from carepath.write.site import run_mkdocs

    language = Language(tag, is_source, search_language)
    target = Path(part)
    built = target.with_name(target.name + ".mkdocs")
    shutil.rmtree(built, ignore_errors=True)
    run_mkdocs(Path(config_file), built, only=tag)
    _take_part(built, language, target)
    shutil.rmtree(built, ignore_errors=True)


def _init_worker(parent: int) -> None:
    """Prepare a worker: tie it to its build, Ctrl-C is the build's to handle; import MkDocs and the theme once."""
    die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import material.plugins.search.plugin  # noqa: F401
    import mkdocs.commands.build  # noqa: F401
    import mkdocs_static_i18n.plugin  # noqa: F401


def language_pool(workers: int | None, languages: int) -> ProcessPoolExecutor:
    """Processes for the languages' MkDocs builds: fresh interpreters (spawn), tied to this process."""
    count = max(1, min(workers or os.cpu_count() or 1, languages))
    context = multiprocessing.get_context("spawn")  # not a fork of a process whose threads may hold locks
    return ProcessPoolExecutor(count, mp_context=context, initializer=_init_worker, initargs=(os.getpid(),))


def _copy_tree(source: Path, target: Path) -> None:
    """Copy a folder tree (a cached part into a build, or back)."""
    shutil.copytree(source, target, dirs_exist_ok=False)


def _reuse(cached: Path, part: Path) -> bool:
    """Copy a cached part into the build; False when it went away meanwhile (pruned by a build sharing the cache)."""
    try:
        _copy_tree(cached, part)
        os.utime(cached)  # recently used: pruned last
    except OSError:
        shutil.rmtree(part, ignore_errors=True)
        return False
    return True


def _prune(cache: Path, tag: str) -> None:
    """Keep the newest KEEP_PARTS cached parts of a language."""
    entries = sorted(cache.glob(f"{tag}.*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_PARTS:]:
        shutil.rmtree(old, ignore_errors=True)


@dataclass
class PartStats:
    """What build_parts did: the parts (tag -> folder), how many were built and how many reused."""

    parts: dict[str, Path]
    built: list[str]
    reused: list[str]
    stale: list[str] = field(default_factory=list)  # languages given as last built, to be built again later


def _latest_part(cache: Path, tag: str) -> Path | None:
    """The language's part built or used last, whatever it was built from."""
    entries = [p for p in cache.glob(f"{tag}.*") if (p / PART_URLS).is_file()]
    return max(entries, key=lambda p: p.stat().st_mtime, default=None)


def build_parts(
    config_file: Path, languages: list[Language], all_tags: list[str], out: Path, cache: Path | None,
    workers: int | None = None, progress: Callable[[str], None] = lambda _: None, pool: Executor | None = None,
    later: frozenset[str] = frozenset(),
) -> PartStats:
    """Build each language's part under `out` (one MkDocs process per language, in parallel), reusing cached ones.

    `workers`: processes (None: one per core; 0: in this process), or `pool`, processes that outlive this build
    (serve's: MkDocs is imported once). `cache`: None to build every language. `later`: languages that, when they
    need building, are given as last built instead (serve: the edited language first, the others a moment later).
    """
    work = config_file.parent
    out.mkdir(parents=True, exist_ok=True)
    stats = PartStats({}, [], [])
    todo: dict[str, tuple[Language, str]] = {}
    for language in languages:
        part = out / language.tag
        stats.parts[language.tag] = part
        key = part_key(work, language, all_tags)
        cached = cache / f"{language.tag}.{key[:32]}" if cache is not None else None
        if cached is not None and (cached / PART_URLS).is_file() and _reuse(cached, part):
            stats.reused.append(language.tag)
        elif (cache is not None and language.tag in later and (last := _latest_part(cache, language.tag))
              and _reuse(last, part)):
            stats.stale.append(language.tag)
        else:
            todo[language.tag] = (language, key)
    if todo:
        progress(f"building the website in {len(todo)} language{'s' if len(todo) != 1 else ''}")
    if todo and workers == 0:  # in this process, one after the other (tests; no process to start)
        for tag, (lang, _key) in todo.items():
            build_language(str(config_file), tag, lang.is_source, lang.search_language, str(out / tag))
    elif todo:
        executor = pool or language_pool(workers, len(todo))
        try:
            futures: dict[Future[None], str] = {
                executor.submit(build_language, str(config_file), tag, lang.is_source, lang.search_language,
                                str(out / tag)): tag
                for tag, (lang, _key) in todo.items()
            }
            done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
            for future in done:
                error = future.exception()
                if error is None:
                    continue
                for other in futures:
                    other.cancel()
                if isinstance(error, KNOWN_ERRORS):
                    raise error  # the gates held, or a page named: the build reports these itself
                raise WriteFailed(f"the {futures[future]} pages") from error
            wait(futures)
        finally:
            if pool is None:
                executor.shutdown(wait=True, cancel_futures=True)
    for tag, (_lang, key) in todo.items():
        stats.built.append(tag)
        if cache is not None:
            _store_part(stats.parts[tag], cache, f"{tag}.{key[:32]}")
            _prune(cache, tag)
    return stats


def _store_part(part: Path, cache: Path, name: str) -> None:
    """Keep a built part in the cache under `name`, unless a build beside this one (another toolkit sharing the cache,
    a test process) stored it first: the name is a hash of what decides the part, so theirs is the same."""
    store = cache / name
    if (store / PART_URLS).is_file():
        return
    staging = cache / f".{name}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    _copy_tree(part, staging)
    shutil.rmtree(store, ignore_errors=True)  # not a whole part (no list of its pages): never reused as it is
    try:
        os.replace(staging, store)
    except OSError:  # stored meanwhile by a build beside this one
        shutil.rmtree(staging, ignore_errors=True)


def write_manifest(folder: Path, all_tags: list[str], tags: list[str]) -> None:
    """Say which languages a shard holds, of a toolkit with which languages (in its order)."""
    manifest = {"format": 1, "languages": all_tags, "built": tags}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def read_manifest(folder: Path) -> tuple[list[str], list[str]]:
    """The toolkit's languages and the ones this shard holds, from its manifest."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return [str(t) for t in data["languages"]], [str(t) for t in data["built"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MergeError(f"{folder}: not a carepath shard ({MANIFEST} missing or unreadable: {error})") from None


class LanguageChoiceError(ValueError):
    """--locales names a language the toolkit does not have, or --shard is not I/N."""


class MergeError(Exception):
    """Shards that do not make one site: a language missing or built twice, shards of different toolkits."""


def _gzip(data: bytes) -> bytes:
    """Gzip with no time stamp and no file name, so that the same sitemap gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def part_entries(part: Path) -> int:
    """How many entries a language part's search index has."""
    counts = json.loads((part / PART_SEARCH).read_text(encoding="utf-8"))
    return int(sum(counts.values()))


def assemble(parts: dict[str, Path], all_tags: list[str], target: Path, move: bool = False) -> dict[str, int]:
    """Put language parts together into one site under `target`; return search entries per language.

    Every language of `all_tags` must have a part; each file comes from exactly one part. `move`: the parts
    are this build's own and may be taken apart (merge copies, leaving the shards as they were).
    """
    missing = [t for t in all_tags if t not in parts]
    if missing:
        listed = ", ".join(missing)
        raise MergeError(
            f"no shard holds the language{'s' if len(missing) > 1 else ''} {listed}: build "
            f"{'them' if len(missing) > 1 else 'it'} with --locales {','.join(missing)}, or merge the shard that has "
            f"{'them' if len(missing) > 1 else 'it'}"
        )
    target.mkdir(parents=True, exist_ok=True)
    urls, counts = [], {}
    for tag in all_tags:
        part = parts[tag]
        site = part / PART_SITE
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            destination = target / path.relative_to(site)
            if destination.exists():
                raise MergeError(f"{destination.relative_to(target)} comes from two languages ({tag} and another)")
            destination.parent.mkdir(parents=True, exist_ok=True)
            if move:
                os.replace(path, destination)
            else:
                shutil.copyfile(path, destination)
        urls.append((part / PART_URLS).read_text(encoding="utf-8"))
        counts.update(json.loads((part / PART_SEARCH).read_text(encoding="utf-8")))
    sitemap = (SITEMAP_HEAD + "".join(urls) + SITEMAP_FOOT).encode("utf-8")
    (target / "sitemap.xml").write_bytes(sitemap)
    (target / "sitemap.xml.gz").write_bytes(_gzip(sitemap))
    pages = (path.read_text(encoding="utf-8") for path in sorted(target.rglob("*.html")))
    (target / HEADERS_FILE).write_text(headers_file(pages), encoding="utf-8")
    # Netlify shows a folder's own 404 page by these rules (Cloudflare Pages finds the nearest one itself)
    rules = [f"/{tag}/*  /{tag}/{NOT_FOUND_PAGE}  404\n" for tag in all_tags
             if (target / tag / NOT_FOUND_PAGE).is_file()]
    (target / REDIRECTS_FILE).write_text(REDIRECTS_HEAD + "".join(rules), encoding="utf-8")
    return counts


def select_languages(
    all_tags: list[str], locales: Iterable[str] | None = None, shard: tuple[int, int] | None = None,
) -> list[str]:
    """The languages a build makes, in the toolkit's order: all, those named, or the i-th of n shards."""
    chosen = list(all_tags)
    if locales is not None:
        wanted = list(dict.fromkeys(locales))
        unknown = [t for t in wanted if t not in all_tags]
        if unknown:
            raise LanguageChoiceError(
                f"no language {', '.join(unknown)} in this toolkit (it has {', '.join(all_tags)})"
            )
        chosen = [t for t in all_tags if t in wanted]
    if shard is not None:
        index, count = shard
        if not 1 <= index <= count:
            raise LanguageChoiceError(f"shard {index}/{count}: the first number goes from 1 to the second")
        chosen = chosen[index - 1::count]  # languages dealt round-robin, so that shards weigh about the same
    return chosen


def shards_of(folders: list[Path]) -> tuple[list[str], dict[str, Path]]:
    """The toolkit's languages and each language's part, from shard folders; MergeError unless they fit."""
    all_tags: list[str] | None = None
    parts: dict[str, Path] = {}
    for folder in folders:
        languages, built = read_manifest(folder)
        if all_tags is None:
            all_tags = languages
        elif languages != all_tags:
            raise MergeError(
                f"{folder}: a shard of a toolkit with the languages {', '.join(languages)}, "
                f"not {', '.join(all_tags)}"
            )
        for tag in built:
            if tag in parts:
                raise MergeError(f"the language {tag} is in two shards: {parts[tag].parent} and {folder}")
            parts[tag] = folder / tag
    if all_tags is None:
        raise MergeError("no shard to merge")
    return all_tags, parts
