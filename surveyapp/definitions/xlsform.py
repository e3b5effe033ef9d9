"""A province's own questions from an XLSForm (docs/XLSFORM.md): the workbook read with openpyxl,
every problem found at once as `sheet!row, column: reason`, and the questions turned into
sections of a questionnaire body (the shape of survey_definitions/*.toml).

Nothing here touches the database: `surveyapp/services/survey/xlsform.py` adds the result to a
stored questionnaire as its next version.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from analysis import sipas
from surveyapp.definitions.relevant import Node, RelevantError, parse, references
from surveyapp.textinput import clean_text

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
CHOICE_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
LABEL_COLUMN = re.compile(r"^(label|hint)(?:::.*\((vi|en)\))?$", re.IGNORECASE)
SETTINGS_TITLE = re.compile(r"^form_title(?:::.*\((vi|en)\))?$", re.IGNORECASE)
SURVEY_COLUMNS = ("type", "name", "required", "relevant")
CHOICE_COLUMNS = ("list_name", "name")
YES = ("yes", "true", "true()", "1")
NO = ("", "no", "false", "false()", "0")
TEXT_LIMIT = 1000
LABEL_LIMIT = 500
#: Every id the reports rely on: these are never redefined, whatever the base questionnaire holds.
CANONICAL = frozenset((*sipas.CRITERIA, *sipas.ELEMENTS, *sipas.CHOICE_CODES, "overall", "expect", "comment",
                       "procedure", "submit_channel", "receive_channel"))
ORIGIN = "xlsform"
#: Names the citizen's form already posts besides the questions.
RESERVED = frozenset(("csrf_token", "switch_lang", "lang", ORIGIN))  # ORIGIN: the part of ungrouped questions


@dataclass(frozen=True)
class XlsProblem:
    sheet: str
    row: int | None
    column: str | None
    reason: str | LazyString

    def __str__(self) -> str:
        where = self.sheet if self.row is None else f"{self.sheet}!{self.row}"
        return f"{where}, {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


class XlsFormRejected(Exception):
    """Raised with every problem of the workbook; nothing has been stored."""

    def __init__(self, problems: list[XlsProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class _Row:
    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class _Sheet:
    name: str
    header: list[str]
    rows: list[_Row]


@dataclass
class _Question:
    row: int
    raw: dict[str, Any]
    kind: str  # choice | multi | text | integer | note
    relevant: Node | None = None
    relevant_text: str = ""


@dataclass
class _Group:
    row: int
    name: str
    labels: dict[str, str]
    relevant: str
    questions: list[_Question] = field(default_factory=list)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value)).strip()


def read_workbook(source: Path | BinaryIO) -> dict[str, _Sheet]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise XlsFormRejected([XlsProblem("-", None, None, _l("not a readable XLSX file"))]) from exc
    sheets: dict[str, _Sheet] = {}
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip().lower()
            rows = worksheet.iter_rows(values_only=True)
            header = [_text(v).lower() for v in next(rows, ())]
            body = []
            for number, values in enumerate(rows, start=2):
                cells = {column: _text(value) for column, value in zip(header, values, strict=False) if column}
                if any(cells.values()):
                    body.append(_Row(number, cells))
            sheets[name] = _Sheet(worksheet.title, header, body)
    finally:
        workbook.close()
    return sheets


def _labels(row: _Row, kind: str = "label") -> dict[str, str]:
    labels: dict[str, str] = {}
    for column, value in row.values.items():
        match = LABEL_COLUMN.match(column)
        if match and match.group(1).lower() == kind and value:
            labels.setdefault(match.group(2) or "vi", value)
    return labels


def _label_problems(sheet: str, row: _Row, labels: dict[str, str]) -> Iterable[XlsProblem]:
    if "vi" not in labels:
        yield XlsProblem(sheet, row.number, "label::Tiếng Việt (vi)", _l("a Vietnamese label is required"))
    for lang, text in labels.items():
        if len(text) > LABEL_LIMIT:
            yield XlsProblem(sheet, row.number, f"label ({lang})",
                             _l("longer than %(limit)s characters", limit=LABEL_LIMIT))


def _both(labels: dict[str, str]) -> dict[str, str]:
    vi = labels.get("vi", "")
    return {"vi": vi, "en": labels.get("en") or vi}


class _Reader:
    """One pass over the sheets, collecting every problem rather than stopping at the first."""

    def __init__(self, sheets: Mapping[str, _Sheet], base: Mapping[str, Any]) -> None:
        self.sheets = sheets
        self.problems: list[XlsProblem] = []
        self.base_items = {item["id"]: item for section in base["sections"] for item in section["items"]
                           if item.get("origin") != ORIGIN}
        self.base_sections = {section["id"] for section in base["sections"] if section.get("origin") != ORIGIN}

    def problem(self, sheet: str, row: int | None, column: str | None, reason: str | LazyString) -> None:
        self.problems.append(XlsProblem(sheet, row, column, reason))

    # ------------------------------------------------------------ choices
    def choices(self) -> dict[str, list[dict[str, str]]]:
        sheet = self.sheets.get("choices")
        lists: dict[str, list[dict[str, str]]] = {}
        if sheet is None:
            return lists
        for column in CHOICE_COLUMNS:
            if column not in sheet.header:
                self.problem("choices", 1, column, _l("required column is missing"))
        if self.problems:
            return lists
        seen: dict[tuple[str, str], int] = {}
        for row in sheet.rows:
            list_name, name, labels = row.get("list_name"), row.get("name"), _labels(row)
            if not list_name:
                self.problem("choices", row.number, "list_name", _l("a value is required"))
                continue
            if not CHOICE_NAME.match(name):
                self.problem("choices", row.number, "name",
                             _l("a choice name has 1 to 64 letters, digits, '.', '_' or '-'"))
                continue
            if (list_name, name) in seen:
                self.problem("choices", row.number, "name", _l("duplicate name %(name)s, first in row %(row)s",
                                                               name=name, row=seen[(list_name, name)]))
                continue
            seen[(list_name, name)] = row.number
            for label_problem in _label_problems("choices", row, labels):
                self.problems.append(label_problem)
            lists.setdefault(list_name, []).append({"code": name, **_both(labels)})
        return lists

    # ------------------------------------------------------------ survey
    def survey(self, lists: dict[str, list[dict[str, str]]]) -> list[_Group]:
        sheet = self.sheets.get("survey")
        if sheet is None:
            self.problem("survey", None, None, _l("the sheet survey is missing"))
            return []
        for column in ("type", "name"):
            if column not in sheet.header:
                self.problem("survey", 1, column, _l("required column is missing"))
        for column in sheet.header:
            if column and column not in SURVEY_COLUMNS and not LABEL_COLUMN.match(column):
                if any(row.get(column) for row in sheet.rows):
                    self.problem("survey", 1, column, _l("this column is not supported (docs/XLSFORM.md)"))
        if any(p.sheet == "survey" for p in self.problems):
            return []
        loose = _Group(0, "", {}, "")
        groups: list[_Group] = []
        stack: list[_Group] = []
        names: dict[str, int] = {}
        for row in sheet.rows:
            kind_text = " ".join(row.get("type").split())
            kind, _, list_name = kind_text.partition(" ")
            kind = {"begin group": "begin_group", "end group": "end_group"}.get(kind_text, kind)
            if kind == "end_group":
                if not stack:
                    self.problem("survey", row.number, "type", _l("end_group without a begin_group"))
                else:
                    stack.pop()
                continue
            name = row.get("name")
            if not self._name_ok(row, name, names):
                continue
            if kind == "begin_group":
                group = _Group(row.number, name, _labels(row), row.get("relevant"))
                if stack:  # a nested group adds its condition to the top-level group's section
                    group = _Group(row.number, stack[0].name, stack[0].labels,
                                   _conjunction(stack[-1].relevant, row.get("relevant")), stack[0].questions)
                else:
                    groups.append(group)
                    if name in self.base_sections:
                        self.problem("survey", row.number, "name",
                                     _l("a part of the questionnaire is already named %(name)s", name=name))
                    self.problems.extend(_label_problems("survey", row, group.labels))
                stack.append(group)
                continue
            question = self._question(row, kind, list_name, name, lists)
            if question is None:
                continue
            condition = _conjunction(stack[-1].relevant if stack else "", row.get("relevant"))
            question.relevant_text = condition
            (stack[0] if stack else loose).questions.append(question)
        for group in stack:
            self.problem("survey", group.row, "type", _l("begin_group without an end_group"))
        return ([loose] if loose.questions else []) + groups

    def _name_ok(self, row: _Row, name: str, names: dict[str, int]) -> bool:
        if not name:
            self.problem("survey", row.number, "name", _l("a value is required"))
            return False
        if not NAME.match(name):
            self.problem("survey", row.number, "name",
                         _l("a name starts with a letter and has at most 64 letters, digits or '_'"))
            return False
        if name in RESERVED:
            self.problem("survey", row.number, "name", _l("%(name)s is reserved by the form", name=name))
            return False
        if name in CANONICAL or name in self.base_items:
            self.problem("survey", row.number, "name",
                         _l("%(name)s is a question of the standard questionnaire: it cannot be redefined or removed",
                            name=name))
            return False
        if name in names:
            self.problem("survey", row.number, "name",
                         _l("duplicate name %(name)s, first in row %(row)s", name=name, row=names[name]))
            return False
        names[name] = row.number
        return True

    def _question(
        self, row: _Row, kind: str, list_name: str, name: str, lists: dict[str, list[dict[str, str]]]
    ) -> _Question | None:
        labels = _labels(row)
        raw: dict[str, Any] = {"id": name, "label": _both(labels), "origin": ORIGIN}
        hints = _labels(row, "hint")
        if hints:
            raw["hint"] = _both(hints)
        if kind in ("select_one", "select_multiple"):
            if not list_name:
                self.problem("survey", row.number, "type", _l("%(type)s needs the name of a choice list", type=kind))
                return None
            if list_name not in lists:
                self.problem("survey", row.number, "type",
                             _l("the choice list %(name)s does not exist in the sheet choices", name=list_name))
                return None
            raw["type"] = "choice" if kind == "select_one" else "multi"
            raw["options"] = lists[list_name]
        elif kind in ("text", "integer", "note") and not list_name:
            raw["type"] = kind
            if kind == "text":
                raw["max_length"] = TEXT_LIMIT
        else:
            self.problem("survey", row.number, "type", _l("unknown type %(type)s", type=row.get("type")[:64]))
            return None
        required = row.get("required").lower()
        if required in YES:
            raw["required"] = kind != "note"
        elif required not in NO:
            self.problem("survey", row.number, "required", _l("expected yes or no"))
        self.problems.extend(_label_problems("survey", row, labels))
        return _Question(row.number, raw, raw["type"])

    # ------------------------------------------------------------ relevant
    def relevance(self, groups: list[_Group]) -> None:
        questions = {q.raw["id"]: q for group in groups for q in group.questions}
        known = {**{name: item.get("type", "") for name, item in self.base_items.items()},
                 **{name: q.kind for name, q in questions.items()}}
        options = {**{name: [o["code"] for o in item.get("options", [])] for name, item in self.base_items.items()},
                   **{name: [o["code"] for o in q.raw.get("options", [])] for name, q in questions.items()}}
        for question in questions.values():
            if not question.relevant_text:
                continue
            try:
                node = parse(question.relevant_text)
            except RelevantError as exc:
                self.problem("survey", question.row, "relevant",
                             _l("not in the supported subset (docs/XLSFORM.md): %(detail)s", detail=str(exc)))
                continue
            for problem in _reference_problems(node, known, options):
                self.problem("survey", question.row, "relevant", problem)
            question.relevant = node
            question.raw["relevant"] = question.relevant_text
        self._cycles(questions)

    def _cycles(self, questions: dict[str, _Question]) -> None:
        edges = {name: [ref for ref in references(q.relevant) if ref in questions] if q.relevant else []
                 for name, q in questions.items()}
        state: dict[str, int] = {}  # 1 on the path, 2 done
        reported: set[frozenset[str]] = set()

        def visit(name: str, path: list[str]) -> None:
            state[name] = 1
            for target in edges[name]:
                if state.get(target) == 1:
                    cycle = path[path.index(target):] + [target]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        self.problem("survey", questions[cycle[0]].row, "relevant",
                                     _l("relevant makes a cycle: %(cycle)s", cycle=" → ".join(cycle)))
                elif state.get(target) is None:
                    visit(target, path + [target])
            state[name] = 2

        for name in questions:
            if name not in state:
                visit(name, [name])


def _conjunction(outer: str, inner: str) -> str:
    if outer and inner:
        return f"({outer}) and ({inner})"
    return outer or inner


def _reference_problems(node: Node, known: Mapping[str, str], options: Mapping[str, list[str]]) -> Iterable[LazyString]:
    kind = node[0]
    if kind in ("or", "and"):
        yield from _reference_problems(node[1], known, options)
        yield from _reference_problems(node[2], known, options)
    elif kind == "not":
        yield from _reference_problems(node[1], known, options)
    elif kind == "selected":
        name, code = node[1], node[2]
        if name not in known:
            yield _l("${%(name)s} is not a question", name=name)
        elif known[name] not in ("choice", "multi"):
            yield _l("selected() needs a select_one or select_multiple question, and %(name)s is not one", name=name)
        elif code not in options[name]:
            yield _l("'%(code)s' is not a choice of %(name)s", code=code, name=name)
    elif kind == "cmp":
        refs = [operand[1] for operand in node[2:] if operand[0] == "ref"]
        for name in refs:
            if name not in known:
                yield _l("${%(name)s} is not a question", name=name)
        literals = [operand for operand in node[2:] if operand[0] != "ref"]
        if node[1] in ("<", "<=", ">", ">="):
            if any(literal[0] != "int" for literal in literals) or any(
                    known.get(name) not in ("integer", "rating") for name in refs if name in known):
                yield _l("%(op)s compares whole numbers: an integer question with a number", op=node[1])
        elif len(refs) == 1 and refs[0] in known and known[refs[0]] == "choice" and literals:
            if str(literals[0][1]) not in options[refs[0]] and literals[0][1] != "":
                yield _l("'%(code)s' is not a choice of %(name)s", code=literals[0][1], name=refs[0])


def added_sections(sheets: Mapping[str, _Sheet], base: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The questionnaire sections an XLSForm adds to `base` (a stored body); XlsFormRejected
    lists every problem."""
    reader = _Reader(sheets, base)
    lists = reader.choices()
    groups = reader.survey(lists)
    if not reader.problems:
        reader.relevance(groups)
    if not reader.problems and not any(group.questions for group in groups):
        reader.problem("survey", None, None, _l("the form has no question"))
    if reader.problems:
        raise XlsFormRejected(reader.problems)
    title = _settings_title(sheets)
    sections = []
    for group in groups:
        if not group.questions:
            continue
        titles = _both(group.labels) if group.labels else title
        sections.append({"id": group.name or "xlsform", "title": titles, "origin": ORIGIN,
                         "items": [question.raw for question in group.questions]})
    return sections


def _settings_title(sheets: Mapping[str, _Sheet]) -> dict[str, str]:
    """The `settings` sheet's `form_title` (per language with `form_title::… (en)`), or ours."""
    settings = sheets.get("settings")
    titles: dict[str, str] = {}
    if settings and settings.rows:
        for column, value in settings.rows[0].values.items():
            match = SETTINGS_TITLE.match(column)
            if match and value:
                titles.setdefault(match.group(1) or "vi", value)
    if "vi" in titles:
        return _both(titles)
    return {"vi": "Câu hỏi bổ sung của địa phương", "en": "The province's own questions"}
