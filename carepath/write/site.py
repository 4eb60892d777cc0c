"""Write stage: put generated sources on disk, run MkDocs, and publish the site in one step."""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from jinja2.exceptions import SecurityError

from carepath.write import WriteFailed
from carepath.write.hooks import UnsafePage

if TYPE_CHECKING:  # made by the render stage; the MkDocs workers import this module, not the renderer
    from carepath.render.site import SiteSources

# What MkDocs logs just before it re-raises an error it met on one page.
PAGE_ERROR = re.compile(r"^Error (?:reading|building) page '(.+?)'")


def write_site_sources(site: SiteSources, work: Path) -> Path:
    """Write docs, theme overrides and mkdocs.yml under `work`; return the config file's path."""
    for folder in ("docs", "overrides"):
        shutil.rmtree(work / folder, ignore_errors=True)
    for relative, text in site.files.items():
        target = work / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for relative, source in site.copies.items():
        target = work / relative
        if not target.exists():  # a generated file of the same name wins
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    config = dict(site.config)
    config["docs_dir"] = str(work / "docs")
    theme = dict(config.get("theme") or {"name": "material"})
    theme["custom_dir"] = str(work / "overrides")
    config["theme"] = theme
    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config_file


def run_mkdocs(config_file: Path, site_dir: Path, only: str | None = None) -> None:
    """Build the site with MkDocs, Material and static-i18n into `site_dir`; `only` one language's pages."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import mkdocs_static_i18n.config
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    # static-i18n only accepts two-letter tags (not prs, ckb or es-419); carepath validates tags as
    # BCP 47 itself, so widen the plugin's check to every well-formed tag.
    mkdocs_static_i18n.config.RE_LOCALE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
    for name in ("mkdocs", "mkdocs.plugins", "mkdocs_static_i18n"):
        logging.getLogger(name).setLevel(logging.WARNING)
    config = load_config(config_file=str(config_file), site_dir=str(site_dir))
    pages: list[str] = []

    def note_page(record: logging.LogRecord) -> bool:
        """Remember which page an error came from; the record itself goes on as before."""
        if match := PAGE_ERROR.match(record.getMessage()):
            pages.append(match[1])
        return True

    builder = logging.getLogger("mkdocs.commands.build")
    builder.addFilter(note_page)
    if only is not None:
        # static-i18n builds the language it is set to, then the others from its post-build event unless it
        # believes a build is under way: one language, in the folder the whole site would give it.
        i18n = config.plugins["i18n"]
        i18n.current_language = only  # type: ignore[attr-defined]
        i18n.building = True  # type: ignore[attr-defined]
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except (UnsafePage, SecurityError):
        raise  # the gates held: the build reports these as problems of the toolkit
    except Exception as error:
        if pages:
            raise WriteFailed(f"the page {pages[-1]}") from error
        raise
    finally:
        builder.removeFilter(note_page)
        config.plugins.on_shutdown()


def move_file(source: Path, target: Path) -> None:
    """Move one file to `target`, making its folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def move_tree(source: Path, target: Path) -> None:
    """Move every file under `source` to the same place under `target`."""
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, destination)


def recover(target: Path) -> None:
    """Put back a site that a publish interrupted between its two renames left aside; drop one left after."""
    old = target.with_name(f".{target.name}.old")
    if not old.exists():
        return
    if target.exists():
        shutil.rmtree(old, ignore_errors=True)  # the new site made it in before the old one was removed
    else:
        os.replace(old, target)


RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where the system or file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # an old kernel, or a file system without RENAME_EXCHANGE
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _remove(path: Path) -> None:
    """Remove a folder tree or a file."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def publish(staging: Path, target: Path) -> None:
    """Put `staging` in the place of `target` in one atomic step; the old site is removed only afterwards.

    Where the system cannot swap two folders at once, two renames with the old site set aside in between:
    recover(), which every build and serve runs first, puts it back if the process died in between.
    """
    recover(target)
    if not (target.exists() or target.is_symlink()):
        os.replace(staging, target)
    elif exchange(staging, target):
        _remove(staging)  # now the old site
    else:
        old = target.with_name(f".{target.name}.old")
        os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)


def write_extra_files(files: dict[str, bytes | str], site: Path) -> None:
    """mkdocs.yml's extra_files into the site, byte for byte (the check refused those it could not read)."""
    for name, data in files.items():
        if isinstance(data, bytes):
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_bytes(data)
