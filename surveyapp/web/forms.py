"""What every form of the officials' pages shares: trimming, query-string forms, and showing a
service's refusal beside the field it is about.

Forms check the shape of what was typed (present, long enough, a well-formed code) and say what
is wrong beside the field; the rules that need the database or the signed-in official (a code
already taken, a unit outside one's scope, the last administrator) live in the services, which
raise an error naming the field. `show_refusal` puts that reason on the form.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from flask import request
from flask_babel import LazyString
from flask_wtf import FlaskForm

F = TypeVar("F", bound=FlaskForm)


def strip(value: Any) -> Any:
    """Filter: surrounding spaces are never part of a code, a name or a search."""
    return value.strip() if isinstance(value, str) else value


def at_most(limit: int) -> Callable[[Any], Any]:
    """Filter: keep the first `limit` characters (for inputs where a longer value is simply
    wrong, like a username at sign-in, rather than worth a message)."""

    def cut(value: Any) -> Any:
        return value[:limit] if isinstance(value, str) else value

    return cut


class Refusal(Protocol):
    """A service's user-facing error (AccountError, ManageError)."""

    message: str | LazyString
    field: str | None


def show_refusal(form: FlaskForm, refusal: Refusal) -> None:
    """Put a service's reason beside its field, or above the form when it is about the whole
    record (or about a field this form does not show)."""
    field = form._fields.get(refusal.field) if refusal.field else None
    if field is not None:
        field.errors = [*field.errors, str(refusal.message)]
    else:
        form.form_errors.append(str(refusal.message))


def form_for(form_class: type[F], **current: Any) -> F:
    """The submitted form on POST; on GET a fresh one showing `current` (the record's values).
    Never both: a field left out of a POST is empty, not silently the record's old value."""
    form = form_class()
    if not form.is_submitted():
        form.process(data=current)
    return form


def status_of(form: FlaskForm) -> int:
    """400 when the page shows what was wrong with a submitted form, else 200."""
    return 400 if form.errors else 200


class QueryForm(FlaskForm):
    """A GET form read from the query string (filters, the month switch). It changes nothing,
    so it carries no CSRF token; a malformed value falls back to the field's default instead of
    an error, as a hand-edited or outdated link should."""

    class Meta:
        csrf = False

    def __init__(self, **kwargs: Any):
        super().__init__(formdata=request.args, **kwargs)
        self.validate()

    def value(self, name: str) -> Any:
        """The field's value, or its default when the query gave a malformed one."""
        field = self._fields[name]
        if not field.errors:
            return field.data
        return field.default() if callable(field.default) else field.default
