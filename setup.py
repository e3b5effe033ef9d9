"""Build step for the wheel; everything else about the package is in pyproject.toml.

A wheel must work on its own (issue 10): in Vietnamese and English, with its survey definitions,
kiosk client and API description. So `build_py` also

* compiles the translation catalogues (.po -> .mo; the .mo files are not kept in git), and
* copies the repository's top-level runtime folders into the package under `_shipped/`, where
  `surveyapp.resources.resource_path` finds them once installed.

In an editable install (`pip install -e .`, what `make install` does) the catalogues are
compiled in place and nothing is copied: the checkout's own folders are used.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
TRANSLATIONS = Path("surveyapp") / "translations"
# Repository paths the app reads at run time (surveyapp/resources.py); MANIFEST.in puts them in the sdist.
SHIPPED = ("survey_definitions", "kiosk", "docs/openapi.yaml")
SHIPPED_DIR = Path("surveyapp") / "_shipped"


def compile_catalogues(source: Path, target: Path) -> list[Path]:
    """Every `<lang>/LC_MESSAGES/messages.po` under `source` compiled to the same place under `target`.

    Fuzzy entries are used, as `make translations` (pybabel compile --use-fuzzy) does."""
    written = []
    for po_file in sorted(source.glob("*/LC_MESSAGES/*.po")):
        locale = po_file.parts[-3]
        with po_file.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        mo_file = target / po_file.relative_to(source).with_suffix(".mo")
        mo_file.parent.mkdir(parents=True, exist_ok=True)
        with mo_file.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=True)
        written.append(mo_file)
    if not written:
        raise SystemExit(f"no translation catalogues found under {source}")
    return written


def copy_shipped(target: Path) -> list[Path]:
    written = []
    for relative in SHIPPED:
        source = ROOT / relative
        destination = target / relative
        if source.is_dir():
            shutil.copytree(source, destination, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
            written.extend(path for path in destination.rglob("*") if path.is_file())
        elif source.is_file():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
            written.append(destination)
        else:
            raise SystemExit(f"{relative} is missing: the wheel would not work without it")
    return written


class BuildPyWithRuntimeFiles(build_py):
    """setuptools' build_py, plus compiled translations and the top-level runtime folders."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            compile_catalogues(ROOT / TRANSLATIONS, ROOT / TRANSLATIONS)
            self._generated: list[Path] = []
            return
        build_lib = Path(self.build_lib)
        self._generated = [
            *compile_catalogues(ROOT / TRANSLATIONS, build_lib / TRANSLATIONS),
            *copy_shipped(build_lib / SHIPPED_DIR),
        ]

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *(str(path) for path in getattr(self, "_generated", []))]


setup(cmdclass={"build_py": BuildPyWithRuntimeFiles})
