"""Compiled templates kept in memory across environments: reused only for the same source and compile settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from carepath.compiled import CompiledTemplates


class Counting(SandboxedEnvironment):
    """A sandboxed environment that counts what it compiles."""

    compiled = 0

    def compile(self, *args: Any, **kwargs: Any) -> Any:
        Counting.compiled += 1
        return super().compile(*args, **kwargs)


def environment(folder: Path, **options: Any) -> Counting:
    return Counting(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=CompiledTemplates(), **options)


def test_a_template_is_compiled_once_for_every_environment_like_the_first(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>{{ name }}</p>", encoding="utf-8")
    before = Counting.compiled
    assert environment(tmp_path, autoescape=True).get_template("page.html").render(name="<b>") == "<p>&lt;b&gt;</p>"
    assert environment(tmp_path, autoescape=True).get_template("page.html").render(name="<b>") == "<p>&lt;b&gt;</p>"
    assert Counting.compiled == before + 1
    # other compile settings: compiled again, and escaping follows the environment's own setting
    assert environment(tmp_path, autoescape=False).get_template("page.html").render(name="<b>") == "<p><b></p>"
    assert Counting.compiled == before + 2


def test_a_changed_template_is_compiled_again(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("one", encoding="utf-8")
    assert environment(tmp_path).get_template("page.html").render() == "one"
    page.write_text("two", encoding="utf-8")
    assert environment(tmp_path).get_template("page.html").render() == "two"


def test_the_sandbox_holds_in_a_template_compiled_before(tmp_path: Path) -> None:
    """Code compiled for one sandboxed environment still runs through the sandbox of the next."""
    (tmp_path / "escape.html").write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    for _ in range(2):
        try:
            environment(tmp_path).get_template("escape.html").render()
        except jinja2.exceptions.SecurityError:
            continue
        raise AssertionError("the sandbox let a template reach Python internals")
