"""The `relevant` subset: parsed once, evaluated the same way for every answer."""
from __future__ import annotations

import pytest

from surveyapp.definitions.relevant import RelevantError, evaluate, parse, references, relevance


def holds(text: str, **answers: object) -> bool:
    return evaluate(parse(text), answers.get)


def test_comparisons_selected_and_boolean_operators():
    assert holds("${a} = 'x'", a="x") and not holds("${a} = 'x'", a="y")
    assert holds("${a} != 'x'", a=None), "an unanswered question is the empty text"
    assert holds("selected(${m}, 'pay')", m=["submit", "pay"]) and not holds("selected(${m}, 'pay')", m=None)
    assert holds("${n} >= 2 and ${n} < 5", n=3) and not holds("${n} >= 2", n=None)
    assert holds("${n} = 3", n=3) and holds('${a} = "x" or not(${n} > 1)', a="y", n=0)
    assert holds("(${a} = 'x' or ${a} = 'y') and ${n} <= -1", a="y", n=-4)


@pytest.mark.parametrize("text", ["", "${a}", "count(${a}) > 1", "${a} = 'x' and", "${a} + 1 = 2", "${a b} = 'x'",
                                  "selected(${a}, 1)", "${a} == 'x'", "(${a} = 'x'"])
def test_outside_the_subset_is_refused(text):
    with pytest.raises(RelevantError):
        parse(text)


def test_references_and_hidden_questions_count_as_unanswered():
    node = parse("selected(${m}, 'pay') and ${n} > 1 or ${a} = ${b}")
    assert sorted(references(node)) == ["a", "b", "m", "n"]
    expressions = {"m": parse("${used} = 'yes'"), "issue": parse("selected(${m}, 'pay')")}
    assert relevance(expressions, {"used": "no", "m": ["pay"]}) == {"m": False, "issue": False}
    assert relevance(expressions, {"used": "yes", "m": ["pay"]}) == {"m": True, "issue": True}
