"""An immutable in-memory questionnaire, built from the validated file (or its stored JSON)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from surveyapp.definitions.relevant import Node, parse


@dataclass(frozen=True)
class Option:
    code: str
    labels: dict[str, str]

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels["vi"]


@dataclass(frozen=True)
class Item:
    id: str
    type: str  # rating | choice | multi | text | procedure; from an XLSForm also integer | note
    labels: dict[str, str]
    hints: dict[str, str] = field(default_factory=dict)
    required: bool = False
    options: tuple[Option, ...] = ()
    not_applicable: Option | None = None
    element: str | None = None
    max_length: int | None = None
    show_if: tuple[str, str] | None = None
    # Added from an XLSForm (docs/XLSFORM.md): its skip logic, parsed (surveyapp.definitions.relevant).
    relevant: Node | None = None
    added: bool = False

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels["vi"]

    def hint(self, lang: str) -> str | None:
        return self.hints.get(lang) or self.hints.get("vi")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    @property
    def all_options(self) -> tuple[Option, ...]:
        """Options as shown, the 'not applicable' choice last."""
        return self.options + ((self.not_applicable,) if self.not_applicable else ())


@dataclass(frozen=True)
class Section:
    id: str
    titles: dict[str, str]
    items: tuple[Item, ...]
    element: str | None = None

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles["vi"]


@dataclass(frozen=True)
class Definition:
    id: str
    version: int
    titles: dict[str, str]
    intros: dict[str, str]
    sections: tuple[Section, ...]
    raw: dict[str, Any] = field(compare=False, repr=False, default_factory=dict)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles["vi"]

    def intro(self, lang: str) -> str | None:
        return self.intros.get(lang) or self.intros.get("vi")

    # Definitions are immutable and read on every submission, so the derived views are cached
    # (cached_property writes to the instance dict, which a frozen dataclass allows).
    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> Item:
        return self._items_by_id[item_id]

    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @cached_property
    def relevant_expressions(self) -> dict[str, Node]:
        """The skip logic of the questions added from an XLSForm, by item id."""
        return {item.id: item.relevant for item in self.items if item.relevant is not None}

    @cached_property
    def added_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.added)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Definition:
        """Build from the parsed (already validated) file contents."""
        scales = data["scales"]
        sections = []
        for raw_section in data["sections"]:
            items = []
            for raw_item in raw_section["items"]:
                scale = scales.get(raw_item.get("scale", ""), {})
                options_src = raw_item.get("options") or scale.get("options") or []
                na = None
                if raw_item["type"] == "rating" and raw_item.get("allow_na", True):
                    na_src = scale.get("not_applicable")
                    na = _option(na_src) if na_src else None
                show_if = raw_item.get("show_if")
                items.append(
                    Item(
                        id=raw_item["id"],
                        type=raw_item["type"],
                        labels=_text(raw_item["label"]),
                        hints=_text(raw_item.get("hint") or {}),
                        required=bool(raw_item.get("required", False)),
                        options=tuple(_option(o) for o in options_src),
                        not_applicable=na,
                        element=raw_item.get("element"),
                        max_length=raw_item.get("max_length"),
                        show_if=(show_if["item"], show_if["equals"]) if show_if else None,
                        relevant=parse(raw_item["relevant"]) if raw_item.get("relevant") else None,
                        added=raw_item.get("origin") == "xlsform",
                    )
                )
            sections.append(
                Section(
                    id=raw_section["id"],
                    titles=_text(raw_section["title"]),
                    items=tuple(items),
                    element=raw_section.get("element"),
                )
            )
        return cls(
            id=data["id"],
            version=int(data["version"]),
            titles=_text(data["title"]),
            intros=_text(data.get("intro") or {}),
            sections=tuple(sections),
            raw=data,
        )


def _text(value: dict[str, str]) -> dict[str, str]:
    return {lang: text for lang, text in value.items()}


def _option(raw: dict[str, str]) -> Option:
    return Option(code=raw["code"], labels={"vi": raw["vi"], "en": raw["en"]})
