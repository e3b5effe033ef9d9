"""Every setting the application reads: name, type, default, environment variable and meaning.

`load()` builds the Flask configuration from the declarations in `SETTINGS`, the environment and
the overrides given to `create_app` (the tests pass dicts). A malformed value stops start-up: a
`SettingsError` names each variable and what it expects, in Vietnamese, or in English with
`SURVEYAPP_LANG=en`. This is the only module that reads the environment; the rest of the code
reads `current_app.config[NAME]`, already parsed into the declared type.

gunicorn's own `GUNICORN_*` variables are read by gunicorn.conf.py, which gunicorn executes in
its master process before any application code (see that file). README.md's configuration table
is generated from `SETTINGS` (`python scripts/settings-table.py --write`); a test keeps them equal.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from babel.support import Translations
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from surveyapp.resources import resource_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("vi", "en")


def N_(message: str) -> str:
    """Marks a message for the catalogue (pybabel's default keyword); translated when shown."""
    return message


@dataclass(frozen=True)
class Rate:
    """A number of requests allowed per window of seconds, written `HITS/SECONDS`."""

    hits: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.hits}/{self.seconds}"


@dataclass(frozen=True)
class Kind:
    """How a value is written in the environment and the Python type the application receives."""

    label: str  # the README's "type" column
    expected: str  # msgid: what a valid value looks like (the error message quotes it)
    parse: Callable[[str], Any]  # text of the environment -> value; ValueError when malformed
    python_type: type | tuple[type, ...]
    valid: Callable[[Any], bool] = lambda value: True
    params: Mapping[str, Any] = field(default_factory=dict)  # placeholders of `expected`

    def coerce(self, raw: object) -> Any:
        """The value of `raw`: text is parsed (environment, or an override written as text);
        an override of the declared type is checked. ValueError when it is neither."""
        value = self.parse(raw) if isinstance(raw, str) else raw
        types = self.python_type if isinstance(self.python_type, tuple) else (self.python_type,)
        if isinstance(value, bool) and bool not in types:  # True is an int to Python
            raise ValueError(raw)
        if not isinstance(value, self.python_type) or not self.valid(value):
            raise ValueError(raw)
        return value


def _whole_number(text: str) -> int:
    digits = text.strip()
    if not (digits.isascii() and digits.isdecimal()):
        raise ValueError(text)
    return int(digits)


def whole_number(minimum: int) -> Kind:
    return Kind(
        label=f"integer ≥ {minimum}",
        expected=N_("a whole number of at least %(minimum)d"),
        parse=_whole_number,
        python_type=int,
        valid=lambda value: value >= minimum,
        params={"minimum": minimum},
    )


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _boolean(text: str) -> bool:
    word = text.strip().lower()
    if word not in _TRUE | _FALSE:
        raise ValueError(text)
    return word in _TRUE


def _rate(text: str) -> Rate:
    # A bare `HITS` has always meant HITS per minute; kept so that no deployment stops starting.
    match = re.fullmatch(r"(\d+)(?:/(\d+))?", text.strip(), re.ASCII)
    if match is None:
        raise ValueError(text)
    return Rate(int(match[1]), int(match[2] or 60))


def _url(text: str) -> str:
    url = text.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(text)
    return url


def _database_url(text: str) -> str:
    try:
        make_url(text.strip())
    except ArgumentError as error:
        raise ValueError(text) from error
    return text.strip()


def choice(*choices: str) -> Kind:
    return Kind(
        label=" or ".join(choices),
        expected=N_("one of: %(choices)s"),
        parse=lambda text: text.strip(),
        python_type=str,
        valid=lambda value: value in choices,
        params={"choices": ", ".join(choices)},
    )


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


INTEGER = whole_number(0)
POSITIVE = whole_number(1)
BOOLEAN = Kind("1 or 0", N_("1 or 0 (also true/false, yes/no, on/off)"), _boolean, bool)
TEXT = Kind("text", N_("a text that is not empty"), lambda text: text, str, lambda value: bool(value.strip()))
PATH = Kind("path", N_("a path that is not empty"), lambda text: text.strip(), str, bool)
OPTIONAL_PATH = Kind(
    "path (optional)", N_("a path, or nothing"), lambda text: text.strip() or None, (str, type(None))
)
URL = Kind("URL", N_("an http:// or https:// address, e.g. https://khaosat.example.gov.vn"), _url, str)
DATABASE_URL = Kind(
    "SQLAlchemy URL",
    N_("a database URL, e.g. postgresql+psycopg://user:password@host:5432/surveyapp or sqlite:////path/surveyapp.sqlite"),
    _database_url,
    str,
)
OPTIONAL_DATABASE_URL = Kind(
    "SQLAlchemy URL (optional)",
    N_("a database URL, e.g. postgresql+psycopg://user@replica-host:5432/surveyapp, or nothing"),
    lambda text: _database_url(text) if text.strip() else None,
    (str, type(None)),
)
RATE = Kind("HITS/SECONDS", N_("HITS/SECONDS, two whole numbers of at least 1, e.g. 60/600"), _rate, Rate,
            lambda rate: rate.hits >= 1 and rate.seconds >= 1)
WORDS = Kind("comma-separated list", N_("a comma-separated list"), _words, (tuple, list), bool)
# Unset or empty: decided at start-up from PUBLIC_BASE_URL (`https_defaults`).
AUTO_BOOLEAN = Kind(
    "1, 0 or empty", N_("1 or 0, or nothing to follow PUBLIC_BASE_URL"),
    lambda text: _boolean(text) if text.strip() else None, (bool, type(None)),
)
AUTO_INTEGER = Kind(
    "integer ≥ 0 or empty", N_("a whole number of at least 0, or nothing to follow PUBLIC_BASE_URL"),
    lambda text: _whole_number(text) if text.strip() else None, (int, type(None)),
    lambda value: value is None or value >= 0,
)
OPTIONAL_TEXT = Kind("text (optional)", N_("a text, or nothing"), lambda text: text.strip(), str)
HOUR = Kind("hour 0–23", N_("an hour of the day, a whole number from 0 to 23"), _whole_number, int,
            lambda value: 0 <= value <= 23)


_ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?", re.ASCII)


def _origins(text: str) -> tuple[str, ...]:
    """Space-separated web origins (scheme, host, optional port; a `*.` wildcard for subdomains),
    nothing else: they go into a Content-Security-Policy header as they are."""
    origins = tuple(text.split())
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(text)
    return origins


ORIGINS = Kind(
    "origins (space-separated, optional)",
    N_("web origins separated by spaces, e.g. https://ubnd.example.gov.vn https://*.example.vn, or nothing"),
    _origins, (tuple, list), lambda value: all(isinstance(o, str) and _ORIGIN.fullmatch(o) for o in value),
)


def _fernet_key(text: str) -> str:
    key = text.strip()
    if key:
        from cryptography.fernet import Fernet

        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError) as error:
            raise ValueError(text) from error
    return key


FERNET_KEY = Kind(
    "Fernet key (optional)",
    N_("a key made by `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`, or nothing"),  # noqa: E501
    _fernet_key, str,
)
DURATION = Kind(
    "seconds", N_("a whole number of seconds of at least 1"), lambda text: timedelta(seconds=_whole_number(text)),
    timedelta, lambda value: value.total_seconds() >= 1,
)


@dataclass(frozen=True)
class Setting:
    """One key of the Flask configuration. With `env`, the environment variable of the same name
    replaces the default; without, only the code (and the tests' overrides) set it."""

    name: str
    kind: Kind
    default: Any  # a value, or a function of the instance folder
    meaning: str
    env: bool = True
    shown_default: str | None = None  # README text for a default computed at start-up
    secret: bool = False  # never quoted back in an error message

    def default_for(self, instance_path: Path) -> Any:
        return self.default(instance_path) if callable(self.default) else self.default

    @property
    def documented_default(self) -> str:
        if self.shown_default is not None:
            return self.shown_default
        value = self.default
        if isinstance(value, bool):
            return "`1`" if value else "`0`"
        return f"`{value}`"


def _instance_database(instance_path: Path) -> str:
    return "sqlite:///" + str(instance_path / "surveyapp.sqlite")


SETTINGS: tuple[Setting, ...] = (
    # Read from the environment (documented in README.md, generated from here).
    Setting("DATABASE_URL", DATABASE_URL, _instance_database,
            "the database; `postgresql+psycopg://user:pass@host/db` for PostgreSQL",
            shown_default="`sqlite:///instance/surveyapp.sqlite`", secret=True),
    Setting("REPORTS_DATABASE_URL", OPTIONAL_DATABASE_URL, None,
            "a PostgreSQL streaming replica for the reports' reads (dashboard, reports, exports); "
            "nothing: the reports read `DATABASE_URL`. If it is down, they read the primary",
            shown_default="none", secret=True),
    Setting("SECRET_KEY", TEXT, "dev-only-change-me",
            "signs sessions and CSRF tokens, keys the hashes of client addresses: **set it in production**",
            secret=True),
    Setting("PUBLIC_BASE_URL", URL, "http://127.0.0.1:5000", "the address QR codes and token links point to"),
    Setting("DEFINITIONS_DIR", PATH, str(resource_path("survey_definitions")),
            "where `init-db` reads questionnaires from", shown_default="`survey_definitions/`"),
    Setting("COMMENT_MAX_LENGTH", POSITIVE, 1000, "longest free-text comment accepted"),
    Setting("USUAL_PROCEDURES_DAYS", POSITIVE, 90,
            "a counter's form lists the procedures most answered there in the months overlapping this many "
            "days (unless a manager set them on the counter's page); the others are found by the search"),
    Setting("MIN_RESPONSES", POSITIVE, 30,
            "fewest answers behind a published rate: below it a measure's value, interval, count, mean and "
            "distribution are all hidden (`insufficient`)"),
    Setting("REPORT_CACHE_ENTRIES", INTEGER, 16,
            "computed reports each worker keeps, keyed by the revisions of the rows they read, so an unchanged "
            "period is not computed again (an overview's rendered content: about 0.4 MB for a province of 100 "
            "communes; a report kept for its CSV, XLSX or print: about 3 MB); the least recently used go first; "
            "`0` keeps none"),
    Setting("REPORT_PLACE_NAME", OPTIONAL_TEXT, "",
            "the place in the printed report's date line (`An Phú, ngày 27 tháng 11 năm 2026`); empty: the date alone",
            shown_default="empty"),
    Setting("SURVEYAPP_LANG", choice(*LANGUAGES), "vi", "language of command-line messages"),
    Setting("RATE_LIMIT_SUBMISSIONS", RATE, Rate(60, 600),
            "questionnaire posts allowed per client address and link, per window in seconds"),
    Setting("TRUSTED_PROXY_COUNT", INTEGER, 0,
            "set to `1` behind nginx, so the client address comes from `X-Forwarded-For`"),
    Setting("REQUEST_LOG", BOOLEAN, True, "`0` turns off the JSON request log on stderr"),
    # Left unset, both follow PUBLIC_BASE_URL (`https_defaults` below): a site served over HTTPS
    # gets them without anyone remembering to turn them on.
    Setting("SESSION_COOKIE_SECURE", AUTO_BOOLEAN, None,
            "the session and language cookies are sent over HTTPS only",
            shown_default="`1` when `PUBLIC_BASE_URL` is `https://`, else `0`"),
    Setting("HSTS_SECONDS", AUTO_INTEGER, None,
            "`Strict-Transport-Security: max-age=` sent with every reply (`0`: no header)",
            shown_default="`31536000` (a year) when `PUBLIC_BASE_URL` is `https://`, else `0`"),
    Setting("PUBLIC_FRAME_ANCESTORS", ORIGINS, (),
            "origins (space-separated, e.g. `https://ubnd.example.gov.vn`) whose pages may frame the public "
            "results pages `/public/...`; every other page refuses frames", shown_default="empty: none"),
    Setting("PUBLIC_CACHE_SECONDS", INTEGER, 300,
            "`Cache-Control: public, max-age=` of the public results pages and open data (with an ETag)"),
    Setting("PG_BIN", OPTIONAL_PATH, None, "folder of `pg_dump`/`pg_restore` for `backup` and `restore`",
            shown_default="newest `/usr/lib/postgresql/*/bin`, then `PATH`"),
    Setting("KIOSK_DIR", PATH, str(resource_path("kiosk")), "the counter tablet client's files",
            shown_default="`kiosk/`"),
    Setting("KIOSK_IDLE_SECONDS", POSITIVE, 60,
            "a kiosk question left untouched this long sends the tablet back to the start"),
    Setting("KIOSK_THANKS_SECONDS", POSITIVE, 6, "how long the kiosk's thank-you stays"),
    Setting("KIOSK_MAX_BATCH", POSITIVE, 50, "kiosk responses per API request (413 above)"),
    Setting("KIOSK_MAX_AGE_DAYS", POSITIVE, 30, "oldest accepted `answered_at` of a kiosk response"),
    Setting("KIOSK_CLOCK_SKEW_SECONDS", INTEGER, 300, "how far in the future a kiosk's `answered_at` may be"),
    Setting("KIOSK_RATE_BURST", POSITIVE, 30, "API requests a kiosk device may make at once ..."),
    Setting("KIOSK_RATE_PER_MINUTE", POSITIVE, 30, "... refilled at this rate"),
    Setting("KIOSK_PAIR_BURST", POSITIVE, 10, "pairing attempts per client address at once ..."),
    Setting("KIOSK_PAIR_PER_MINUTE", POSITIVE, 5, "... refilled at this rate (guessing 8-digit codes is hopeless)"),
    Setting("API_RATE_BURST", POSITIVE, 20, "requests an API client (one-stop software) may make at once ..."),
    Setting("API_RATE_PER_MINUTE", POSITIVE, 60, "... refilled at this rate (docs/INTEGRATION.md)"),
    Setting("DOSSIER_KEY", TEXT, "dev-only-change-me",
            "keys the hashes of dossier codes and their survey links: **set it in production, never change it**",
            secret=True),
    Setting("DOSSIER_LINK_DAYS", POSITIVE, 30,
            "a dossier's survey link expires this many days after the result is returned (or due)"),
    Setting("SMTP_HOST", OPTIONAL_TEXT, "", "mail server for invitations (and alerts); empty: no email is sent",
            shown_default="empty"),
    Setting("SMTP_PORT", POSITIVE, 587, "its port"),
    Setting("SMTP_USER", OPTIONAL_TEXT, "", "user name at the mail server; empty: no sign-in", shown_default="empty"),
    Setting("SMTP_PASSWORD", OPTIONAL_TEXT, "", "its password", shown_default="empty", secret=True),
    Setting("SMTP_FROM", TEXT, "surveyapp@localhost", "sender address of the emails"),
    Setting("SMTP_STARTTLS", BOOLEAN, True, "`1`: STARTTLS before signing in and sending"),
    Setting("SMS_GATEWAY_URL", OPTIONAL_TEXT, "", "the SMS gateway's HTTP endpoint; empty: no SMS is sent",
            shown_default="empty"),
    Setting("SMS_GATEWAY_METHOD", choice("POST", "PUT", "GET"), "POST", "HTTP method of the gateway call"),
    Setting("SMS_GATEWAY_AUTH_HEADER", OPTIONAL_TEXT, "",
            "one header sent with each call, e.g. `Authorization: Bearer KEY`", shown_default="empty", secret=True),
    Setting("SMS_GATEWAY_BODY", TEXT, '{"to": "{phone}", "message": "{message}"}',
            "the request body; `{phone}` and `{message}` are replaced (escaped for the content type)"),
    Setting("SMS_GATEWAY_CONTENT_TYPE", TEXT, "application/json",
            "content type of the body (`application/x-www-form-urlencoded` URL-encodes the values)"),
    Setting("SMS_GATEWAY_SUCCESS", WORDS, ("200", "201", "202"), "HTTP statuses that mean the gateway took the SMS"),
    Setting("CONTACT_KEY", FERNET_KEY, "", "encrypts citizens' contacts at rest; empty: contacts are refused",
            shown_default="empty", secret=True),
    Setting("INVITATION_HOUR", HOUR, 20, "hour (Vietnam time) invitations go out on the day the result is returned"),
    Setting("INVITATION_REMINDER_DAYS", POSITIVE, 3,
            "days after the invitation to send the one reminder if unanswered"),
    Setting("CHROMIUM_PATH", PATH, "/usr/bin/chromium",
            "the Chromium that prints reports to PDF (`/reports/<unit>/<period>.pdf`, `send-reports`)"),
    Setting("ALERTS_TO_ACCOUNTS_IN_SCOPE", BOOLEAN, True,
            "`1`: accounts with an email whose scope covers a unit receive its alerts without subscribing"),
    Setting("WEBHOOK_KEY", FERNET_KEY, "", "encrypts webhooks' signing secrets at rest; empty: webhooks are refused",
            shown_default="empty", secret=True),
    Setting("ALERT_RETRY_SECONDS", POSITIVE, 60,
            "first wait before a failed alert delivery is tried again; doubled after each failure, at most 6 hours"),
    # Fixed in the code; the tests override some of them.
    Setting("BABEL_DEFAULT_LOCALE", choice(*LANGUAGES), "vi", "language of a visitor who chose none", env=False),
    Setting("BABEL_DEFAULT_TIMEZONE", TEXT, "Asia/Ho_Chi_Minh", "time zone of dates shown", env=False),
    Setting("LANGUAGES", WORDS, LANGUAGES, "languages of pages and messages", env=False),
    Setting("SESSION_IDLE_MINUTES", POSITIVE, 30, "an official's session ends after this long without a request",
            env=False),
    Setting("PERMANENT_SESSION_LIFETIME", DURATION, timedelta(hours=8),
            "an official's session ends this long after signing in (Flask's 31 days is far too long)", env=False),
    Setting("SESSION_COOKIE_HTTPONLY", BOOLEAN, True, "scripts cannot read the session cookie", env=False),
    Setting("SESSION_COOKIE_SAMESITE", choice("Lax", "Strict", "None"), "Lax", "no session cookie on cross-site posts",
            env=False),
    Setting("PASSWORD_HASH_METHOD", TEXT, "scrypt",
            "werkzeug's password hash (salted, memory-hard); the tests use a cheap pbkdf2", env=False),
    # A citizen may leave the form open for a while at the counter; an expired token is handled
    # by re-showing the answers, but make expiry rare.
    Setting("WTF_CSRF_TIME_LIMIT", POSITIVE, 6 * 3600, "seconds a form's CSRF token stays valid", env=False),
    Setting("WTF_I18N_ENABLED", BOOLEAN, True, "form validation messages in the visitor's language", env=False),
    Setting("MAX_CONTENT_LENGTH", POSITIVE, 256 * 1024, "largest request body in bytes (413 above)", env=False),
    Setting("OPENAPI_PATH", PATH, str(resource_path("docs/openapi.yaml")), "the kiosk API's description",
            env=False),
    Setting("COMPRESS_REGISTER", BOOLEAN, False, "Flask-Compress off by default: web/compression.py decides",
            env=False),
    Setting("COMPRESS_MIMETYPES", WORDS,
            ("text/html", "text/css", "text/javascript", "application/javascript", "application/json",
             "image/svg+xml", "application/manifest+json", "text/plain", "text/csv", "application/yaml"),
            "content types worth compressing", env=False),
)
BY_NAME: Mapping[str, Setting] = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class Problem:
    """A malformed value: which setting, and what was given."""

    setting: Setting
    given: object


def _translations(lang: str) -> Callable[[str], str]:
    # Start-up happens before Flask-Babel exists: read the compiled catalogue directly
    # (without one, e.g. before `make`, the English msgids are shown).
    return Translations.load(str(TRANSLATIONS_DIR), [lang]).gettext


def describe(problems: Sequence[Problem], lang: str) -> str:
    """The message of a failed start-up, one line per malformed setting."""
    _ = _translations(lang)
    lines = [_("The application cannot start: fix these settings.")]
    for problem in problems:
        setting = problem.setting
        expected = _(setting.kind.expected) % setting.kind.params
        if setting.secret:
            lines.append("  " + _("%(variable)s is not valid: expected %(expected)s.")
                         % {"variable": setting.name, "expected": expected})
        else:
            lines.append("  " + _("%(variable)s=%(value)s is not valid: expected %(expected)s.")
                         % {"variable": setting.name, "value": _quoted(problem.given), "expected": expected})
    return "\n".join(lines)


def _quoted(given: object) -> str:
    text = repr(given)
    return text if len(text) <= 60 else text[:57] + "..."


class SettingsError(click.ClickException):
    """Start-up refused because of malformed settings. A ClickException, so that the `flask`
    command prints the message (no traceback) and exits with status 1; gunicorn shows it in its
    boot error."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__(describe(self.problems, cli_language()))


def load(instance_path: str | Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The Flask configuration: each setting's default, replaced by its environment variable, then
    by `overrides` (create_app's test_config). Keys that are not settings (TESTING, ...) pass
    through unchanged. Raises SettingsError listing every malformed value."""
    config: dict[str, Any] = {}
    problems: list[Problem] = []
    for setting in SETTINGS:
        config[setting.name] = setting.default_for(Path(instance_path))
        if setting.env and setting.name in os.environ:
            given = os.environ[setting.name]
            try:
                config[setting.name] = setting.kind.coerce(given)
            except ValueError:
                problems.append(Problem(setting, given))
    for key, given in (overrides or {}).items():
        declared = BY_NAME.get(key)
        if declared is None:
            config[key] = given
            continue
        try:
            config[key] = declared.kind.coerce(given)
        except ValueError:
            problems.append(Problem(declared, given))
    if problems:
        raise SettingsError(problems)
    return https_defaults(config)


HSTS_SECONDS_ON_HTTPS = 365 * 24 * 3600


def https_defaults(config: dict[str, Any]) -> dict[str, Any]:
    """SESSION_COOKIE_SECURE and HSTS_SECONDS, when nobody set them: on for a site whose
    PUBLIC_BASE_URL is https (a cookie or a page sent over plain HTTP there would be a mistake),
    off for a development server on http://."""
    https = str(config.get("PUBLIC_BASE_URL", "")).startswith("https://")
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = https
    if config.get("HSTS_SECONDS") is None:
        config["HSTS_SECONDS"] = HSTS_SECONDS_ON_HTTPS if https else 0
    return config


def cli_language() -> str:
    """SURVEYAPP_LANG as it is now: read for each message, so one shell (or a test's runner) can
    switch languages between commands. A malformed value is refused at start-up; here, where
    it also decides the language of that refusal, it falls back to the default."""
    setting = BY_NAME["SURVEYAPP_LANG"]
    try:
        return str(setting.kind.coerce(os.environ.get(setting.name, setting.default)))
    except ValueError:
        return str(setting.default)


def markdown_table() -> str:
    """README.md's configuration table: the settings read from the environment."""
    rows = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    for setting in SETTINGS:
        if setting.env:
            cells = (f"`{setting.name}`", setting.kind.label, setting.documented_default, setting.meaning)
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"
