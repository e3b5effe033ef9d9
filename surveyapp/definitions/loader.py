"""Reads questionnaire files, validates them, and explains every problem by file and item."""
from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from analysis import sipas
from surveyapp.definitions.duration import estimated_minutes
from surveyapp.definitions.model import Definition

SCHEMA_FILE = "schema.json"
RATING_CODES = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class Problem:
    file: str
    item: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: item {self.item}" if self.item else self.file
        return f"{where}: {self.message}"


class DefinitionError(Exception):
    """One or more problems in definition files; `problems` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@lru_cache(maxsize=4)
def _schema(directory: str) -> dict[str, Any]:
    return json.loads((Path(directory) / SCHEMA_FILE).read_text(encoding="utf-8"))


def load_definition_file(path: Path, schema_dir: Path | None = None) -> Definition:
    """Parse and validate one `.toml` file; raises DefinitionError naming file, item and problem."""
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError([Problem(name, None, f"not valid TOML: {exc}")]) from exc
    except UnicodeDecodeError as exc:
        raise DefinitionError([Problem(name, None, "not UTF-8 text")]) from exc

    schema = _schema(str(schema_dir or path.parent))
    validator = jsonschema.Draft202012Validator(schema)
    problems = [
        Problem(name, _item_at(data, list(error.absolute_path)), _describe(error))
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if problems:
        raise DefinitionError(problems)

    problems = list(_semantic_problems(name, path.stem, data))
    if problems:
        raise DefinitionError(problems)
    definition = Definition.from_dict(data)
    stated = data.get("duration_minutes")
    if stated is not None and stated * 2 < estimated_minutes(definition):
        raise DefinitionError([Problem(
            name, None, f"duration_minutes = {stated} promises less than half the time its "
            f"{len(definition.items)} items take (about {estimated_minutes(definition)} minutes): "
            "state an honest duration or leave it out to use the estimate")])
    return definition


def load_definitions_dir(directory: Path) -> list[Definition]:
    """Every `*.toml` in the folder; problems of all files are reported together."""
    definitions: list[Definition] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            definitions.append(load_definition_file(path, directory))
        except DefinitionError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DefinitionError(problems)
    return definitions


def _item_at(data: dict[str, Any], path: list[Any]) -> str | None:
    """Name the item an error sits in, e.g. `TC03` or `section E1`, from the JSON path."""
    try:
        if len(path) >= 4 and path[0] == "sections" and path[2] == "items":
            item = data["sections"][path[1]]["items"][path[3]]
            return str(item.get("id", f"#{path[3] + 1} of section {path[1] + 1}"))
        if len(path) >= 2 and path[0] == "sections":
            section = data["sections"][path[1]]
            return f"section {section.get('id', path[1] + 1)}"
    except (IndexError, KeyError, TypeError, AttributeError):
        return None
    return None


def _describe(error: jsonschema.ValidationError) -> str:
    field = ".".join(str(p) for p in error.absolute_path if not isinstance(p, int))
    location = f" (at {field})" if field else ""
    return f"{error.message}{location}"


def _semantic_problems(name: str, stem: str, data: dict[str, Any]) -> Iterable[Problem]:
    """What a schema cannot say: unique ids, canonical codes, skip logic that points somewhere."""
    if data["id"] != stem:
        yield Problem(name, None, f"id '{data['id']}' must match the file name '{stem}'")
    scales = data["scales"]
    for scale_id, scale in scales.items():
        codes = tuple(o["code"] for o in scale["options"])
        if codes != RATING_CODES:
            yield Problem(name, None, f"scale '{scale_id}' must have codes 1..5 in order, has {codes}")

    seen_sections: set[str] = set()
    seen_items: dict[str, dict[str, Any]] = {}
    for section in data["sections"]:
        if section["id"] in seen_sections:
            yield Problem(name, f"section {section['id']}", "duplicate section id")
        seen_sections.add(section["id"])
        for item in section["items"]:
            item_id = item["id"]
            if item_id in seen_items:
                yield Problem(name, item_id, "duplicate item id")
            yield from _item_problems(name, item, scales, seen_items)
            seen_items[item_id] = item


def _item_problems(
    name: str, item: dict[str, Any], scales: dict[str, Any], earlier: dict[str, dict[str, Any]]
) -> Iterable[Problem]:
    item_id, kind = item["id"], item["type"]
    codes = tuple(o["code"] for o in item.get("options", []))
    if len(set(codes)) != len(codes):
        yield Problem(name, item_id, "duplicate option code")
    if kind == "rating" and item["scale"] not in scales:
        yield Problem(name, item_id, f"unknown scale '{item['scale']}'")
    if item_id in sipas.ELEMENT_OF_CRITERION:
        if kind != "rating":
            yield Problem(name, item_id, "a criterion must be a rating")
        elif item.get("element") != sipas.ELEMENT_OF_CRITERION[item_id]:
            yield Problem(
                name, item_id, f"belongs to element {sipas.ELEMENT_OF_CRITERION[item_id]}, not {item.get('element')}"
            )
    if item_id in sipas.ELEMENTS and (kind != "rating" or item.get("element") != item_id):
        yield Problem(name, item_id, f"a direct element rating must be a rating with element = {item_id}")
    if item_id == "overall" and kind != "rating":
        yield Problem(name, item_id, "overall must be a rating")
    if item_id in sipas.CHOICE_CODES:
        if kind != "choice":
            yield Problem(name, item_id, "must be a single choice")
        elif set(codes) != set(sipas.CHOICE_CODES[item_id]):
            yield Problem(name, item_id, f"codes must be {sipas.CHOICE_CODES[item_id]}, not {codes}")
    if item_id == "expect":
        unknown = set(codes) - set(sipas.EXPECT_CODES)
        if kind != "multi":
            yield Problem(name, item_id, "must be a multiple choice")
        elif unknown:
            yield Problem(name, item_id, f"unknown improvement areas {sorted(unknown)}")
    if "show_if" in item:
        target, value = item["show_if"]["item"], item["show_if"]["equals"]
        if target not in earlier:
            yield Problem(name, item_id, f"show_if refers to '{target}', which is not an earlier item")
        elif value not in tuple(o["code"] for o in earlier[target].get("options", [])):
            yield Problem(name, item_id, f"show_if value '{value}' is not a code of '{target}'")
        if item.get("required"):
            yield Problem(name, item_id, "an item shown conditionally cannot be required")
