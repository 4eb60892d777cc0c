"""Jinja's compiled templates, kept for the life of the process: an environment made again (every build, every
language's MkDocs run in one process, each `serve` rebuild) compiles only the templates whose source changed.

Compiling is a third of an in-process MkDocs build of one language and a tenth of rendering the print kit. Kept in
memory only: compiled code read back from a file would run as it is, and a toolkit's folder (where a cache on disk
would live) is written by anyone who can open a pull request.
"""

from __future__ import annotations

import threading
from types import CodeType

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

MAX_TEMPLATES = 2000  # compiled templates kept (carepath's and the theme's are about 100); oldest out first

# (environment's compile settings, Jinja's key of the template's name and file, its source's checksum) -> code
_compiled: dict[tuple[str, str, str], CodeType] = {}
_lock = threading.Lock()


def compile_settings(environment: jinja2.Environment) -> str:
    """What, besides a template's source, decides the code Jinja compiles it to, as one string."""
    finalize = environment.finalize
    autoescape = environment.autoescape
    return repr((
        type(environment).__module__, type(environment).__qualname__, jinja2.__version__,
        autoescape if isinstance(autoescape, bool) else getattr(autoescape, "__qualname__", repr(autoescape)),
        sorted(f"{type(e).__module__}.{type(e).__qualname__}" for e in environment.extensions.values()),
        environment.block_start_string, environment.block_end_string, environment.variable_start_string,
        environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
        environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
        environment.optimized, environment.is_async,
        None if finalize is None else getattr(finalize, "__qualname__", "?"),
        sorted(getattr(environment, "intercepted_binops", ())), sorted(getattr(environment, "intercepted_unops", ())),
    ))


class CompiledTemplates(BytecodeCache):
    """A bytecode cache of this process's memory, shared by every environment of the same compile settings.

    A template is known by its name and file (Jinja's key: the code names its file, for tracebacks that say which
    template failed) and its source's checksum. A MkDocs build reads the theme's own templates from the same files
    every time; those carepath writes into each build's own work folder are compiled again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give the bucket the code compiled before from the same source, if any."""
        with _lock:
            code = _compiled.get(self._key(bucket))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the bucket's code for the next environment of the same settings."""
        if bucket.code is None:
            return
        with _lock:
            _compiled[self._key(bucket)] = bucket.code
            while len(_compiled) > MAX_TEMPLATES:
                del _compiled[next(iter(_compiled))]

    def clear(self) -> None:
        """Forget every compiled template."""
        with _lock:
            _compiled.clear()

    @staticmethod
    def _key(bucket: Bucket) -> tuple[str, str, str]:
        """Where a bucket's code is kept: its environment's compile settings, its template's name, its source."""
        return compile_settings(bucket.environment), bucket.key, str(bucket.checksum)
