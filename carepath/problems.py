"""Problems found in a toolkit's sources, reported like a compiler reports errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """How bad a problem is: errors stop a build, warnings do not (unless --strict)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One mistake in one place of one source file."""

    path: str
    line: int
    column: int
    severity: Severity
    message: str
    fix: str = ""
    code: str = ""

    def format(self) -> str:
        """Render as `path:line:column: severity: message` plus the fix on its own line."""
        head = f"{self.path}:{self.line}:{self.column}: {self.severity.value}: {self.message}"
        return f"{head}\n    fix: {self.fix}" if self.fix else head


@dataclass
class Report:
    """All problems of a run, in the order they were found."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        """Record one problem."""
        self.problems.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        """Record several problems."""
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        """Problems that stop a build."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """Problems that are reported but do not stop a build."""
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def failed(self, strict: bool = False) -> bool:
        """Whether the run must stop: any error, or any warning when strict."""
        return bool(self.errors or (strict and self.warnings))

    def sorted(self) -> list[Problem]:
        """Problems ordered by file, line and column."""
        return sorted(self.problems, key=lambda p: (p.path, p.line, p.column))

    def summary(self) -> str:
        """A closing count such as `2 errors, 1 warning`."""
        e, w = len(self.errors), len(self.warnings)
        return f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"


class ToolkitError(Exception):
    """Raised when a stage cannot go on; carries the report that explains why."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.summary())
        self.report = report


def relative(path: Path, root: Path) -> str:
    """A path as the writer sees it: relative to the toolkit's root, with forward slashes."""
    for absolute in (lambda p: p.absolute(), lambda p: p.resolve()):
        try:
            return absolute(path).relative_to(absolute(root)).as_posix()
        except ValueError:
            continue
    return path.as_posix()
