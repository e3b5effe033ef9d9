"""Skip logic of questions added from an XLSForm: the `relevant` subset of docs/XLSFORM.md.

    expression := disjunction
    disjunction := conjunction ("or" conjunction)*
    conjunction := negation ("and" negation)*
    negation   := "not" "(" expression ")" | primary
    primary    := "(" expression ")" | "selected(" ${name} "," 'code' ")" | operand OP operand
    operand    := ${name} | 'text' | "text" | whole number
    OP         := = | != | > | >= | < | <=

An expression is parsed once into a tree of tuples (JSON-friendly, so the form's script
evaluates the same tree): ("or", a, b), ("and", a, b), ("not", a), ("selected", name, code),
("cmp", op, left, right) with operands ("ref", name), ("str", text), ("int", number).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Node = tuple[Any, ...]

TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.\-]*\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<int>-?\d+)"
    r"|(?P<op>!=|>=|<=|=|>|<)|(?P<punct>[(),])|(?P<word>[A-Za-z_\-]+))"
)
COMPARISONS = ("=", "!=", ">", ">=", "<", "<=")


class RelevantError(ValueError):
    """An expression outside the supported subset; the message says where (English, a key)."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise RelevantError(f"unsupported text at character {position + 1}: {text[position:position + 12]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            found = "the end" if token is None else repr(token[1])
            raise RelevantError(f"expected {value or kind}, found {found}")
        self.at += 1
        return token[1]

    def word(self, value: str) -> bool:
        token = self.peek()
        if token == ("word", value):
            self.at += 1
            return True
        return False

    def expression(self) -> Node:
        node = self.conjunction()
        while self.word("or"):
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.word("and"):
            node = ("and", node, self.negation())
        return node

    def negation(self) -> Node:
        if self.word("not"):
            self.take("punct", "(")
            inner = self.expression()
            self.take("punct", ")")
            return ("not", inner)
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        if token == ("punct", "("):
            self.at += 1
            inner = self.expression()
            self.take("punct", ")")
            return inner
        if token == ("word", "selected"):
            self.at += 1
            self.take("punct", "(")
            name = self.take("ref")[2:-1]
            self.take("punct", ",")
            code = self.take("str")[1:-1]
            self.take("punct", ")")
            return ("selected", name, code)
        left = self.operand()
        op = self.take("op")
        right = self.operand()
        return ("cmp", op, left, right)

    def operand(self) -> Node:
        token = self.peek()
        if token is None:
            raise RelevantError("expected a value, found the end")
        kind, value = token
        self.at += 1
        if kind == "ref":
            return ("ref", value[2:-1])
        if kind == "str":
            return ("str", value[1:-1])
        if kind == "int":
            return ("int", int(value))
        raise RelevantError(f"expected ${{name}}, a 'text' or a number, found {value!r}")


def parse(text: str) -> Node:
    parser = _Parser(text)
    if not parser.tokens:
        raise RelevantError("empty expression")
    node = parser.expression()
    if parser.peek() is not None:
        raise RelevantError(f"unexpected {parser.peek()[1]!r}")  # type: ignore[index]
    return node


def references(node: Node) -> Iterator[str]:
    """Every question name the expression reads."""
    kind = node[0]
    if kind in ("or", "and"):
        yield from references(node[1])
        yield from references(node[2])
    elif kind == "not":
        yield from references(node[1])
    elif kind == "selected":
        yield node[1]
    elif kind == "cmp":
        for operand in node[2:]:
            if operand[0] == "ref":
                yield operand[1]


def _value(operand: Node, answer: Callable[[str], Any]) -> Any:
    return answer(operand[1]) if operand[0] == "ref" else operand[1]


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def evaluate(node: Node, answer: Callable[[str], Any]) -> bool:
    """`answer(name)`: the stored answer (a code, a list of codes, an int) or None when unanswered."""
    kind = node[0]
    if kind == "or":
        return evaluate(node[1], answer) or evaluate(node[2], answer)
    if kind == "and":
        return evaluate(node[1], answer) and evaluate(node[2], answer)
    if kind == "not":
        return not evaluate(node[1], answer)
    if kind == "selected":
        value = answer(node[1])
        return node[2] in value if isinstance(value, list) else value == node[2]
    op, left, right = node[1], _value(node[2], answer), _value(node[3], answer)
    if op in ("=", "!="):
        left_number, right_number = _number(left), _number(right)
        if left_number is not None and right_number is not None:
            equal = left_number == right_number
        else:
            equal = ("" if left is None else str(left)) == ("" if right is None else str(right))
        return equal if op == "=" else not equal
    a, b = _number(left), _number(right)
    if a is None or b is None:
        return False  # an unanswered or non-numeric value satisfies no ordering
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def relevance(
    expressions: Mapping[str, Node], answers: Mapping[str, Any]
) -> dict[str, bool]:
    """Whether each question with an expression is shown, given the answers: a question that is
    not shown counts as unanswered for the others (expressions form no cycle: checked on upload)."""
    shown: dict[str, bool] = {}

    def is_shown(name: str) -> bool:
        if name not in expressions:
            return True
        if name not in shown:
            shown[name] = False  # a guard: a cycle (never stored) reads as hidden
            shown[name] = evaluate(expressions[name], answer)
        return shown[name]

    def answer(name: str) -> Any:
        return answers.get(name) if is_shown(name) else None

    for name in expressions:
        is_shown(name)
    return shown
