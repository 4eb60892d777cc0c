"""The versions of the software that turns sources into output: what a cache key must follow besides the sources."""

from __future__ import annotations

import ctypes
import functools
import hashlib
import importlib.metadata
from collections.abc import Iterable
from pathlib import Path

# The Python packages that decide a PDF's bytes: WeasyPrint, its PDF writer, its font subsetter and instancer, its
# CSS and HTML parsers, and the image library.
PDF_PACKAGES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "tinyhtml5", "pillow")

# The native libraries WeasyPrint loads, by the names it tries (Linux, macOS, Windows), and how each says its
# version. HarfBuzz-Subset only by its presence: with it, WeasyPrint subsets fonts with HarfBuzz, else with
# fontTools, and the embedded fonts differ (an apt-get that pulls it in changes every PDF).
NATIVE = (
    ("pango", ("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll"), "pango_version_string"),
    ("harfbuzz", ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"), "hb_version_string"),
    ("harfbuzz-subset", ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll"), ""),
    ("fontconfig", ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll"), "FcGetVersion"),
)


def package_versions(names: Iterable[str]) -> str:
    """`name=version;...` of installed distributions, `name=-` for one that is not installed."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return ";".join(found)


def _native_version(files: tuple[str, ...], function: str) -> str:
    """The version a native library reports ("present" when it has no version call), "-" when none loads."""
    for file in files:
        try:
            library = ctypes.CDLL(file)
        except OSError:
            continue
        if not function:
            return "present"
        call = getattr(library, function)
        if function == "FcGetVersion":
            call.restype = ctypes.c_int
            return str(call())
        call.restype = ctypes.c_char_p
        return (call() or b"").decode("ascii", "replace")
    return "-"


@functools.cache
def pdf_engine() -> str:
    """Everything besides the document that decides a PDF's bytes: packages and native libraries, with versions
    (read once per process, without importing WeasyPrint, which takes half a second)."""
    native = ";".join(f"{name}={_native_version(files, function)}" for name, files, function in NATIVE)
    return f"{package_versions(PDF_PACKAGES)};{native}"


@functools.cache
def carepath_digest() -> str:
    """A sha256 over carepath's own files (code, data, schemas, templates): a cache entry made by other code of
    the same version number (a checkout between releases) is not reused. Once per process."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
