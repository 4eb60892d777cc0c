"""Hand-written YAML edited in place: what carepath writes back into a toolkit keeps its comments and layout."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML


def round_trip_yaml() -> YAML:
    """A YAML reader/writer that keeps comments, order and quoting of hand-written files."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def dump(rt: YAML, doc: Any) -> str:
    """A round-trip document as text."""
    out = io.StringIO()
    rt.dump(doc, out)
    return out.getvalue()
