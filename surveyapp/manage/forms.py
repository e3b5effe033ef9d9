"""Forms of the management pages: one unit, counter or procedure, and a CSV/XLSX import.

Field names are a contract: `code`, `name`, `parent_code` (units), `code`, `name`, `unit_code`
(counters), `code`, `name`, `field` (procedures), `file` (imports). The code of an existing
record is not editable: its form has no `code` field (see `without_code`). The shapes checked
here are the ones of surveyapp.services.organisation.codes, which the imports check too; the
rules needing the database (a taken code, the manager's scope, cycles) are the service's.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from surveyapp.services.organisation.codes import (
    BAD_CODE,
    BAD_PROCEDURE_CODE,
    CODE_HELP,
    CODE_PATTERN,
    NAME_LIMIT,
    PROCEDURE_CODE_HELP,
    PROCEDURE_CODE_PATTERN,
    PROCEDURE_NAME_LIMIT,
    REQUIRED,
    too_long,
)
from surveyapp.services.survey.slips import MAX_SLIPS
from surveyapp.web.forms import strip

UPLOAD_EXTENSIONS = ("csv", "xlsx")
# What the browser checks before sending (the server checks CODE_PATTERN whatever it gets).
CODE_INPUT = {"maxlength": 64, "pattern": r"[A-Za-z0-9][A-Za-z0-9._\-]*"}


def _code_field() -> StringField:
    return StringField(_l("Code"), filters=[strip], render_kw=CODE_INPUT, description=CODE_HELP,
                       validators=[DataRequired(message=REQUIRED), Regexp(CODE_PATTERN, message=BAD_CODE)])


def _name_field(label: str, limit: int = NAME_LIMIT) -> StringField:
    return StringField(label, filters=[strip],
                       validators=[DataRequired(message=REQUIRED), Length(max=limit, message=too_long(limit))])


class RecordForm(FlaskForm):
    code: StringField  # declared by every subclass

    def without_code(self) -> None:
        """The form of an existing record: its code is shown, not posted."""
        del self.code


class UnitForm(RecordForm):
    code = _code_field()
    name = _name_field(_l("Name"))
    # A unit code from the list; empty makes a top-level unit (administrators only: the service's rule).
    parent_code = StringField(_l("Parent unit"), filters=[strip])


class CounterForm(RecordForm):
    code = _code_field()
    name = _name_field(_l("Name"))
    unit_code = StringField(_l("Unit"), filters=[strip], validators=[DataRequired(message=REQUIRED)])


class ProcedureForm(RecordForm):
    code = StringField(
        _l("Code"),
        filters=[strip],
        render_kw={"pattern": r"\d\.\d{6}", "placeholder": "1.001612"}, description=PROCEDURE_CODE_HELP,
        validators=[DataRequired(message=REQUIRED), Regexp(PROCEDURE_CODE_PATTERN, message=BAD_PROCEDURE_CODE)],
    )
    name = _name_field(_l("Name"), PROCEDURE_NAME_LIMIT)
    field = _name_field(_l("Field"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("File"),
        render_kw={"accept": ",".join("." + e for e in UPLOAD_EXTENSIONS), "required": True},
        validators=[
            FileRequired(message=_l("Choose a file to import.")),
            FileAllowed(UPLOAD_EXTENSIONS, message=_l("Only .csv and .xlsx files can be imported.")),
        ],
    )


class PublishForm(FlaskForm):
    """The administrator's switch of a unit's public results (`publish`: `1` on, `0` off)."""

    publish = StringField(validators=[AnyOf(("0", "1"))])


class XlsFormUploadForm(FlaskForm):
    """A province's own questions (docs/XLSFORM.md): the questionnaire they are added to and the
    XLSForm. The choices are the stored questionnaires, set by the view."""

    definition = SelectField(_l("Questionnaire"), validators=[DataRequired(message=_l("Choose a questionnaire."))])
    file = FileField(
        _l("XLSForm (.xlsx)"),
        render_kw={"accept": ".xlsx", "required": True},
        validators=[
            FileRequired(message=_l("Choose a file to import.")),
            FileAllowed(("xlsx",), message=_l("Only .xlsx files can be uploaded.")),
        ],
    )
    dry_run = BooleanField(_l("Only check the form (store nothing)"))


class UsualProceduresForm(FlaskForm):
    """The procedures a counter's form lists (`codes`: catalogue codes, one a line)."""

    codes = TextAreaField(
        _l("Usual procedures at this counter"),
        description=_l("Catalogue codes, one a line, in the order the form lists them (at most 50). "
                       "Empty: the form lists the procedures most answered at this counter lately."),
        render_kw={"rows": 8, "spellcheck": "false"},
    )


class SlipBatchForm(FlaskForm):
    """A batch of appointment slips: `counter` (a code from the list), `procedure` (a catalogue
    code, optional), `count`."""

    counter = StringField(_l("Counter"), filters=[strip], validators=[DataRequired(message=REQUIRED)])
    procedure = StringField(
        _l("Procedure (optional)"), filters=[strip], render_kw={"placeholder": "1.001612", "list": "slip-procedures"},
        validators=[Optional(), Regexp(PROCEDURE_CODE_PATTERN, message=BAD_PROCEDURE_CODE)],
        description=_l("%(rule)s The survey then already knows the procedure; leave it empty for any procedure.",
                       rule=PROCEDURE_CODE_HELP),
    )
    count = IntegerField(
        _l("Number of slips"), default=16, render_kw={"min": 1, "max": MAX_SLIPS},
        validators=[InputRequired(message=REQUIRED),
                    NumberRange(1, MAX_SLIPS, message=_l("Between 1 and %(limit)d slips at a time.", limit=MAX_SLIPS))],
        description=_l("Eight slips fit on an A4 sheet; each can be used once."),
    )


class ActiveForm(FlaskForm):
    """Deactivate (`active` = 0) or reactivate (1) a unit, counter or procedure."""

    active = StringField(validators=[AnyOf(("0", "1"))])
