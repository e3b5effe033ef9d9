"""The XLSForm upload page (/manage/xlsform, administrators): the page of `import-xlsform`.
Its view attaches to the manage blueprint (imported by the app factory for it)."""
from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from surveyapp.auth import address_hash, require_role, signed_in_user
from surveyapp.db import discard_changes, get_session
from surveyapp.definitions.xlsform import XlsFormRejected
from surveyapp.manage.forms import XlsFormUploadForm
from surveyapp.manage.routes import bp
from surveyapp.models import SurveyDefinitionRecord
from surveyapp.services.accounts import audit
from surveyapp.services.survey.xlsform import XlsFormResult, import_xlsform
from surveyapp.web.forms import status_of


@bp.route("/xlsform", methods=["GET", "POST"])
@require_role("admin")
def xlsform_upload() -> ResponseReturnValue:
    session = get_session()
    form = XlsFormUploadForm()
    stored = sorted(set(session.scalars(select(SurveyDefinitionRecord.definition_id))))
    form.definition.choices = [(definition_id, definition_id) for definition_id in stored]
    problems: list[str] = []
    result: XlsFormResult | None = None
    if form.validate_on_submit():
        try:
            result = import_xlsform(session, form.file.data.stream, form.definition.data)
        except XlsFormRejected as exc:
            problems = [str(problem) for problem in exc.problems]
            discard_changes()
        if result is not None and form.dry_run.data:
            discard_changes()
        elif result is not None:
            audit.record(session, "import", user=signed_in_user(),
                         target=f"xlsform {result.definition_id} v{result.version}",
                         address_hash=address_hash(), detail={"questions": result.questions})
    status = 400 if problems else status_of(form)
    return render_template("manage/xlsform.html", form=form, problems=problems, result=result,
                           dry_run=bool(form.dry_run.data)), status
