"""The only way WeasyPrint may load anything: regular files inside a PDF's allow-list, and inline images.

Content is untrusted and CI builds it with secrets around, while WeasyPrint's own fetcher reads any file:,
http:, https:, ftp: or data: address a page names. SandboxFetcher serves a file only when its path, with
no '..', no symbolic link anywhere and no hidden part, lies inside the folders or is one of the files the
job allows; anything else is refused and recorded, and carepath.write.pdf fails the job with the refusals.

WeasyPrint is imported only when SandboxFetcher is first used (importing it costs half a second, and every
command imports this module for ResourceRefused): the class is made then, from the policy in Sandbox.
"""

from __future__ import annotations

import base64
import binascii
import errno
import mimetypes
import os
import re
import stat
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib import request
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from carepath.layout import loaded_by_print

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

# Inline images are data, not a way out: whatever an SVG among them refers to comes back through this fetcher.
# image/svg+xml is kept because the pocket cards draw their cut marks as an inline SVG (cards.html.j2).
DATA_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/svg+xml"})
# Pseudo file systems: never a file of a toolkit, whatever an allow-list says.
SYSTEM_FOLDERS = ("/proc/", "/sys/", "/dev/")
# Larger than any font or image a handout needs (Noto CJK files are about 20 MB).
MAX_BYTES = 64 * 1024 * 1024
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9.+-]*):")
WHAT_IS_ALLOWED = "only the toolkit's print/ folder, its free pages' images and the PDF's font files"


class ResourceRefused(Exception):
    """The PDF renderer was asked for something a job may not load; names the PDF and every refused URL."""

    def __init__(self, document: str, refusals: tuple[tuple[str, str], ...]) -> None:
        super().__init__(document, refusals)  # the same arguments, so that it pickles out of a worker process
        self.document = document
        self.refusals = refusals

    def __str__(self) -> str:
        """One line naming the PDF, then each refused URL with the reason."""
        shown = "; ".join(f"{_short(url)} ({reason})" for url, reason in self.refusals[:10])
        more = f"; and {len(self.refusals) - 10} more" if len(self.refusals) > 10 else ""
        return f"{self.document}: the PDF may load {WHAT_IS_ALLOWED}; refused: {shown}{more}"


def _short(url: str) -> str:
    """A URL short enough for a message (data: URLs can be megabytes long)."""
    return url if len(url) <= 200 else f"{url[:200]}..."


def _media_type(url: str) -> str:
    """The media type a data: URL declares, lower case; text/plain when it declares none."""
    header = url[len("data:"):].partition(",")[0]
    return header.split(";")[0].strip().lower() or "text/plain"


class Sandbox:
    """The policy of SandboxFetcher, the WeasyPrint URL fetcher that serves only allowed regular files and inline
    images and records the rest; SandboxFetcher is this class on WeasyPrint's URLFetcher.

    `allowed`: absolute paths; one ending in '/' is a folder (everything under it), else one exact file.
    `fallbacks`: (folder, fallback folder) pairs, for a file missing under the first.
    WeasyPrint catches a fetcher's errors and carries on with a blank, so every refusal is also kept in
    `refusals`, and `check()` raises them once rendering is done. `requested` and `served` record every
    URL asked for and every file read.
    """

    def __init__(
        self, allowed: Iterable[str], document: str, max_bytes: int = MAX_BYTES,
        fallbacks: Iterable[tuple[str, str]] = (),
    ) -> None:
        # No handler at all (http, ftp, file...): nothing can reach urllib's openers, even by mistake.
        request.OpenerDirector.__init__(self)
        self._fail_on_errors = False  # read by weasyprint.urls.fetch; refusals are raised by check()
        self.document = document
        self.max_bytes = max_bytes
        self.folders: list[str] = []
        self.files: set[str] = set()
        for entry in allowed:
            if not os.path.isabs(entry) or "\0" in entry:
                raise ValueError(f"allow-list entries must be absolute paths: {entry!r}")
            if entry.endswith("/"):
                self.folders.append(os.path.normpath(entry).rstrip("/") + "/")
            else:
                self.files.add(os.path.normpath(entry))
        # (folder, fallback): a file missing under the folder is looked for at the same place under the fallback,
        # which must itself be allowed (a toolkit's print/ over carepath's, carepath.layers)
        self.fallbacks = [(os.path.normpath(a).rstrip("/") + "/", os.path.normpath(b).rstrip("/") + "/")
                          for a, b in fallbacks]
        self.requested: list[str] = []
        self.served: list[str] = []
        self.refusals: list[tuple[str, str]] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Serve `url` if allowed, else record and raise ResourceRefused naming it and the document."""
        self.requested.append(url)
        try:
            return self._serve(url)
        except ResourceRefused:
            raise
        except Exception as error:  # anything unexpected is a refusal too, never a silent blank
            raise self._refuse(url, f"cannot be read: {type(error).__name__}: {error}") from error

    def check(self) -> None:
        """Raise ResourceRefused with every refusal so far, if any."""
        if self.refusals:
            raise ResourceRefused(self.document, tuple(self.refusals))

    def _refuse(self, url: str, reason: str) -> ResourceRefused:
        """Record a refusal and return the error to raise."""
        self.refusals.append((url, reason))
        return ResourceRefused(self.document, ((url, reason),))

    def _serve(self, url: str) -> URLFetcherResponse:
        """The response for an allowed URL; raises for any other."""
        match = SCHEME.match(url)
        scheme = match[1].lower() if match else ""
        if scheme == "data":
            return self._data(url)
        if scheme != "file":
            what = f"{scheme}: addresses" if scheme else "addresses without a scheme"
            raise self._refuse(url, f"{what} are never loaded")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise self._refuse(url, f"a file on another host ({parts.netloc})")
        try:
            path = unquote(parts.path, errors="strict")  # query and fragment mean nothing for a file
        except UnicodeDecodeError:
            raise self._refuse(url, "the path is not valid UTF-8") from None
        if "\0" in path or not path.startswith("/"):
            raise self._refuse(url, "not an absolute path")
        if ".." in path.split("/"):
            raise self._refuse(url, "'..' in the path")
        path = os.path.normpath(path)
        if path.startswith("//"):  # POSIX keeps a leading '//' apart; no toolkit file is there
            raise self._refuse(url, "not an absolute path")
        if (path + "/").startswith(SYSTEM_FOLDERS):
            raise self._refuse(url, "a system folder (/proc, /sys, /dev)")
        for folder, fallback in self.fallbacks:
            if path.startswith(folder) and not os.path.lexists(path):
                path = fallback + path[len(folder):]
                break
        inside = next((folder for folder in self.folders if path.startswith(folder)), None)
        if inside is None and path not in self.files:
            raise self._refuse(url, "outside the files this PDF may load")
        if inside and any(part.startswith(".") for part in path[len(inside):].split("/")):
            raise self._refuse(url, "a hidden file or folder")
        if inside and not loaded_by_print(path):
            raise self._refuse(url, "a page's Markdown text, which a PDF never loads (its pictures it may)")
        data = self._read(url, path)
        self.served.append(path)
        content_type = mimetypes.guess_type(path, strict=False)[0] or "application/octet-stream"
        return self._response(Path(path).as_uri(), data, content_type)

    def _read(self, url: str, path: str) -> bytes:
        """A regular file's bytes, opened one folder at a time so that no symbolic link is ever followed."""
        names = path.strip("/").split("/")
        folder = os.open("/", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for index, name in enumerate(names):
                shown = "/" + "/".join(names[: index + 1])
                try:
                    info = os.stat(name, dir_fd=folder, follow_symlinks=False)
                except FileNotFoundError:
                    raise self._refuse(url, f"no such file: {shown}") from None
                if stat.S_ISLNK(info.st_mode):
                    raise self._refuse(url, f"{shown} is a symbolic link")
                if index < len(names) - 1:
                    # O_NOFOLLOW as well: a folder swapped for a link since the stat above is refused too
                    inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
                    os.close(folder)
                    folder = inner
            if not stat.S_ISREG(info.st_mode):
                raise self._refuse(url, "not a regular file (a folder, device or pipe)")
            if info.st_size > self.max_bytes:
                raise self._refuse(url, f"larger than {self.max_bytes // (1024 * 1024)} MB")
            try:
                # O_NONBLOCK: a pipe swapped in since the stat cannot hang the build; fstat refuses it below
                handle = os.open(names[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder)
            except OSError as error:
                if error.errno == errno.ELOOP:
                    raise self._refuse(url, f"{path} is a symbolic link") from None
                raise
        finally:
            os.close(folder)
        with os.fdopen(handle, "rb") as file:
            opened = os.fstat(file.fileno())
            if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
                raise self._refuse(url, "the file changed while it was being opened")
            data = file.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise self._refuse(url, f"larger than {self.max_bytes // (1024 * 1024)} MB")
        return data

    @staticmethod
    def _response(url: str, data: bytes, content_type: str) -> URLFetcherResponse:
        """WeasyPrint's response for data served."""
        from weasyprint.urls import URLFetcherResponse

        return URLFetcherResponse(url, data, {"Content-Type": content_type})

    def _data(self, url: str) -> URLFetcherResponse:
        """An inline image of an allowed type, decoded; any other data: URL is refused."""
        media_type = _media_type(url)
        if media_type not in DATA_TYPES:
            raise self._refuse(url, f"a data: URL of type {media_type} (only inline images are loaded)")
        header, comma, payload = url[len("data:"):].partition(",")
        if not comma:
            raise self._refuse(url, "a malformed data: URL")
        data = unquote_to_bytes(payload)
        if header.split(";")[-1].strip().lower() == "base64":
            try:
                data = base64.b64decode(b"".join(data.split()), validate=True)
            except (binascii.Error, ValueError):
                raise self._refuse(url, "a data: URL whose base64 does not decode") from None
        return self._response(url, data, media_type)


if TYPE_CHECKING:
    class SandboxFetcher(Sandbox, URLFetcher):
        """Sandbox as a WeasyPrint URL fetcher (made at first use, see below)."""

_MADE: dict[str, type] = {}
_MAKING = threading.Lock()


def __getattr__(name: str) -> Any:
    """SandboxFetcher, made (and WeasyPrint imported) when it is first asked for."""
    if name != "SandboxFetcher":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _MAKING:
        if name not in _MADE:
            from weasyprint.urls import URLFetcher

            # Sandbox first: its __init__ and fetch replace URLFetcher's (no handler, nothing but the sandbox).
            _MADE[name] = type(name, (Sandbox, URLFetcher), {"__doc__": Sandbox.__doc__, "__module__": __name__})
            globals()[name] = _MADE[name]
    return _MADE[name]
