"""The words shown for the report's ids: items, elements, flags, channels, statuses, funnel positions.

The dashboard, its print view and the exports (CSV, XLSX) all take their labels from here, so a
label is changed in one place (and translated once: every text is a Babel msgid, see
docs/DEVELOPING.md). The questionnaire's own wording (element titles, criterion texts,
expectation options) lives in survey_definitions/ and is read through `question_labels`.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from analysis.sipas import FULL_FORM_ID
from surveyapp.i18n import current_lang
from surveyapp.periods import Period, PeriodError
from surveyapp.services.survey import definitions

FLAG_LABELS: Mapping[str, LazyString] = {
    "trips_3plus": _l("Had to come 3 times or more"),
    "no_slip": _l("No appointment slip"),
    "harassment": _l("Trouble or harassment by officials"),
    "extra_payment": _l("Paid more than the official fees"),
    "late": _l("Result returned late"),
    "late_without_apology": _l("Late without an apology slip"),
}

#: How citizens submitted their dossier (the `submit_channel` answer; the report's channel shares).
SUBMISSION_CHANNEL_LABELS: Mapping[str, LazyString] = {
    "online": _l("Submitted online"),
    "postal": _l("Submitted by post"),
}

#: How a response reached us (`Response.channel`; the breakdown by channel).
RESPONSE_CHANNEL_LABELS: Mapping[str, LazyString] = {
    "qr": _l("QR code"),
    "kiosk": _l("Kiosk"),
    "paper": _l("Paper form"),
    "import": _l("Imported"),
    "online": _l("Online"),
    "web": _l("Web"),
}

STATUS_LABELS: Mapping[str, LazyString] = {
    "meets": _l("meets target"),
    "possibly_below": _l("possibly below target"),
    "below": _l("below target"),
    # Flags are lower-is-better: their target is a limit, and they are worded as one.
    "within": _l("within limit"),
    "possibly_above": _l("possibly above limit"),
    "above": _l("above limit"),
}

#: Whether a month-on-month change is significant (the report's `change` rows).
CHANGE_STATUS_LABELS: Mapping[str, LazyString] = {
    "significant": _l("significant change"),
    "not_significant": _l("no significant change"),
}
#: The status of a zero-tolerance flag with cases: a count, not a test (status "incidents").
INCIDENTS_STATUS = "incidents"

INSUFFICIENT_LABEL = _l("insufficient data")

#: A dossier's invitation state (`Dossier.invitation`, the API's `invitation`).
INVITATION_LABELS: Mapping[str, LazyString] = {
    "none": _l("no contact"),
    "no_consent": _l("no consent"),
    "not_configured": _l("contacts not accepted (no CONTACT_KEY)"),
    "queued": _l("queued"),
    "sent": _l("sent"),
    "reminded": _l("sent and reminded"),
    "failed": _l("failed"),
    "opted_out": _l("opted out"),
    "cancelled": _l("cancelled (answered or expired first)"),
}

# Templates need `%%` in a msgid (Jinja's newstyle gettext always %-formats); position_label
# un-doubles them, so templates and Python share the msgids.
POSITION_LABELS: Mapping[str, LazyString] = {
    "below_998": _l("below 99.8%% limit"),
    "below_95": _l("below 95%% limit"),
    "above_998": _l("above 99.8%% limit"),
    "above_95": _l("above 95%% limit"),
    "inside": _l("within limits"),
}


def flag_label(flag: str) -> str:
    return str(FLAG_LABELS.get(flag, flag))


def channel_label(channel: str) -> str:
    """A channel's name: the submission channels' words first (both vocabularies share `online`)."""
    return str(SUBMISSION_CHANNEL_LABELS.get(channel, RESPONSE_CHANNEL_LABELS.get(channel, channel)))


def invitation_label(state: str) -> str:
    return str(INVITATION_LABELS.get(state, state))


def status_label(status: str, count: int | None = None) -> str:
    """A status against the target, "insufficient" (too few answers to judge), a change's
    `significant` / `not_significant`; a zero-tolerance flag's "incidents" reads "N cases
    reported" (`count` = N)."""
    if status == "insufficient":
        return str(INSUFFICIENT_LABEL)
    if status == INCIDENTS_STATUS:
        return incidents_label(count or 0)
    return str(STATUS_LABELS.get(status, CHANGE_STATUS_LABELS.get(status, status)))


def incidents_label(count: int) -> str:
    """What a zero-tolerance flag with cases shows instead of a test."""
    return str(ngettext("%(num)d case reported", "%(num)d cases reported", count))


#: Short names of the five elements and 22 criteria, for chart axes where the questionnaire's
#: wording does not fit; the full wording (`question_labels`) is in the chart's tooltip and in the
#: table beside every chart. Charts show these, never the ids (TC01…).
SHORT_LABELS: Mapping[str, LazyString] = {
    "E1": _l("Access to the service"),
    "E2": _l("Administrative procedure"),
    "E3": _l("Officials"),
    "E4": _l("Result of the dossier"),
    "E5": _l("Feedback handling"),
    "TC01": _l("Enough seats"),
    "TC02": _l("Equipment sufficient"),
    "TC03": _l("Equipment modern"),
    "TC04": _l("Equipment easy to use"),
    "TC05": _l("Procedure posted in full"),
    "TC06": _l("Procedure posted accurately"),
    "TC07": _l("Documents as regulated"),
    "TC08": _l("Fees as regulated"),
    "TC09": _l("Processing time as regulated"),
    "TC10": _l("Polite officials"),
    "TC11": _l("Officials listened"),
    "TC12": _l("Questions answered fully"),
    "TC13": _l("Guidance given with care"),
    "TC14": _l("Guidance easy to follow"),
    "TC15": _l("Rules followed"),
    "TC16": _l("Result as regulated"),
    "TC17": _l("Result information complete"),
    "TC18": _l("Result information accurate"),
    "TC19": _l("Ways to give feedback"),
    "TC20": _l("Feedback easy to give"),
    "TC21": _l("Feedback handled actively"),
    "TC22": _l("Feedback answered promptly"),
}

#: A breakdown row of responses without a counter, procedure or channel: words, never "None".
UNKNOWN_GROUP_LABELS: Mapping[str, LazyString] = {
    "counter": _l("Unknown counter"),
    "procedure": _l("Unknown procedure"),
    "channel": _l("Unknown channel"),
}


def short_label(item_id: str) -> str:
    """An element's or criterion's short name; an id without one is shown as it is."""
    return str(SHORT_LABELS.get(item_id, item_id))


def group_label(by: str, key: str | None, name: str | None) -> str:
    """The name of a breakdown row (`by` = counter, procedure or channel): the channel's words,
    the counter's or procedure's name (its code if it has none), "Unknown procedure" without one."""
    if key is None:
        return str(UNKNOWN_GROUP_LABELS.get(by, UNKNOWN_GROUP_LABELS["procedure"]))
    if by == "channel":
        return channel_label(key)
    return name or key


#: Why the headline rates were not weighted (analysis.weights; the report's `weighting.reason`).
WEIGHTING_REASONS: Mapping[str, LazyString] = {
    "no_children": _l("the unit has no sub-units"),
    "volumes_missing": _l("dossier volumes are not known for every sub-unit this month"),
    "responses_at_unit": _l("some responses were filed at the unit itself, outside its sub-units"),
    "stratum_without_responses": _l("a sub-unit with dossiers has no responses"),
}


#: The questionnaires of the service index by form (analysis.sipas ids).
FORM_LABELS: Mapping[str, LazyString] = {
    "sipas-full": _l("Full form"),
    "sipas-kiosk": _l("Kiosk form"),
}

#: The report's notes on pooling (analysis.forms; the JSON's `notes[].code`).
NOTE_LABELS: Mapping[str, LazyString] = {
    "forms_pooled": _l(
        "Responses to more than one questionnaire are pooled here (the full form and the kiosk form). A kiosk "
        "respondent answers one item per element, a full-form respondent up to 22, so the pooled service index "
        "gives full-form respondents more weight; the index of each form is shown beside it."
    ),
    "versions_pooled": _l("Responses to more than one version of a questionnaire are pooled in this month."),
}


def form_label(form: str) -> str:
    return str(FORM_LABELS.get(form, form))


def note_label(code: str) -> str:
    return str(NOTE_LABELS.get(code, code))


def weighting_label(reason: str) -> str:
    return str(WEIGHTING_REASONS.get(reason, reason))


def position_label(position: str | None) -> str:
    """A sub-unit's place on the funnel; no position (no rate, too few answers): insufficient data."""
    label = POSITION_LABELS.get(position or "")
    return str(INSUFFICIENT_LABEL) if label is None else str(label) % {}


#: A unit's tier in a ranking (analysis.ranking): its interval against the parent's rate or target.
TIER_LABELS: Mapping[str, LazyString] = {
    "above": _l("clearly above"),
    "indistinguishable": _l("indistinguishable"),
    "below": _l("clearly below"),
    "insufficient": _l("too few responses to rank"),
}


def tier_label(tier: str) -> str:
    return str(TIER_LABELS.get(tier, tier))


def measure_label(measure: str, questions: Mapping[str, str]) -> str:
    """The name of a rankable measure: the service index, overall satisfaction, an element's
    title or a criterion's text (`questions`: question_labels)."""
    if measure == "service_index":
        return str(_l("Service index (SIPAS)"))
    if measure == "overall":
        return str(_l("Overall satisfaction"))
    return questions.get(measure, measure)


def period_label(period: Period | str) -> str:
    """A period as Vietnamese documents write it: "Tháng 11/2026", "Quý 3/2026", "6 tháng đầu
    năm 2026", "Năm 2026" (and their English); text that is not a period is shown as it is."""
    if isinstance(period, str):
        try:
            return period_label(Period.parse(period))
        except PeriodError:
            return period
    year = period.first.year
    if period.kind == "month":
        return str(_l("Month %(month)s", month=period.first.label()))
    if period.kind == "quarter":
        return str(_l("Quarter %(quarter)d/%(year)d", quarter=(period.first.number - 1) // 3 + 1, year=year))
    if period.kind == "half":
        if period.first.number == 1:
            return str(_l("First half of %(year)d", year=year))
        return str(_l("Second half of %(year)d", year=year))
    if period.kind == "year":
        return str(_l("Year %(year)d", year=year))
    if period.kind == "ytd":
        return str(_l("Year %(year)d to date (to %(month)s)", year=year, month=period.last.label()))
    return str(_l("From %(start)s to %(end)s", start=period.first.label(), end=period.last.label()))


def period_error(error: PeriodError) -> str:
    """Why a text is not a period, in the reader's language."""
    given = {"text": error.text, **error.detail}
    reasons = {
        "no_month": _l("%(text)s: there is no month %(number)02d (months are 01 to 12)", **given),
        "no_quarter": _l("%(text)s: there is no quarter %(number)d (quarters are Q1 to Q4)", **given),
        "no_half": _l("%(text)s: there is no half-year %(number)d (half-years are H1 and H2)", **given),
        "backwards": _l("%(text)s: the range ends (%(end)s) before it starts (%(start)s)", **given),
        "too_long": _l("%(text)s covers %(months)d months; a report covers at most %(limit)d", **given),
        "future_year": _l("%(text)s: the year %(year)d has not started yet", **given),
    }
    message = reasons.get(error.reason)
    if message is None:
        return str(_l("%(text)s is not a period: write a month (2026-11), a quarter (2026-Q3), a half-year "
                      "(2026-H1), a year (2026), a year to date (2026-YTD) or a range of months (2026-01..2026-05)",
                      text=error.text))
    return str(message)


def question_labels(session: Session, lang: str | None = None) -> dict[str, str]:
    """Element titles (`E1`), criterion texts (`TC01`) and expectation options (`expect.info`) of
    the full questionnaire, in `lang` (by default the current language)."""
    return definitions.question_labels(session, lang or current_lang(), FULL_FORM_ID)


#: What an alert is about (docs/ALERTS.md); the incident flags keep the report's flag words.
ALERT_EVENT_LABELS: Mapping[str, LazyString] = {
    "harassment": FLAG_LABELS["harassment"],
    "extra_payment": FLAG_LABELS["extra_payment"],
    "funnel": _l("Beyond the 99.8%% funnel limit"),
    "fall": _l("Significant fall in satisfaction"),
}

#: An alert delivery's state on the admin page.
DELIVERY_STATUS_LABELS: Mapping[str, LazyString] = {
    "pending": _l("waiting to be sent"),
    "sent": _l("sent"),
    "retrying": _l("failed, will retry"),
    "cancelled": _l("cancelled (webhook removed)"),
}


def alert_event_label(event: str) -> str:
    label = ALERT_EVENT_LABELS.get(event)
    return event if label is None else str(label).replace("%%", "%")


def delivery_status_label(status: str) -> str:
    return str(DELIVERY_STATUS_LABELS.get(status, status))
