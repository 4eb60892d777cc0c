"""Packaging beyond pyproject.toml: the wheel carries the built-in toolkit inside the package.

The repository's own toolkit (templates/, print/ and the example's content/, locales/ and mkdocs.yml) is what
`carepath init --from-example` writes and what a toolkit's files fall back to; installed, carepath finds it in
carepath/toolkit/ (carepath.resources.BUILTIN_TOOLKIT). In this repository it is read where it is.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
BUILTIN = ("content", "locales", "templates", "print", "mkdocs.yml")


class BuildWithToolkit(build_py):
    """build_py, then a copy of the built-in toolkit into the built package (hidden files left out)."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "carepath" / "toolkit"
        shutil.rmtree(target, ignore_errors=True)
        for name in BUILTIN:
            source = HERE / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildWithToolkit})
