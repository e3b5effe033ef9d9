"""SQLAlchemy 2.0 typed models. Import from here; Alembic reads `Base.metadata`."""
from surveyapp.models.accounts import ROLES, AuditEvent, LoginAttempt, User
from surveyapp.models.base import Base
from surveyapp.models.campaigns import Campaign, CampaignResponse, CampaignSample, CampaignStratum
from surveyapp.models.feedback import Feedback
from surveyapp.models.health import HealthCheck
from surveyapp.models.integration import ApiClient, Dossier, InvitationOptOut
from surveyapp.models.kiosk import KioskDevice, KioskPairingCode
from surveyapp.models.lookups import LookupGeneration
from surveyapp.models.notifications import Alert, AlertCursor, AlertDelivery, AlertRule, Subscription, Webhook
from surveyapp.models.operations import RateLimitWindow, response_tally, unit_rollup
from surveyapp.models.organisation import Counter, CounterProcedure, Procedure, Unit
from surveyapp.models.public import PublicUnit
from surveyapp.models.scheduled_reports import ReportDelivery
from surveyapp.models.survey import Response, SurveyDefinitionRecord, SurveyToken
from surveyapp.models.volume import DossierVolume

__all__ = [
    "Campaign",
    "CampaignResponse",
    "CampaignSample",
    "CampaignStratum",
    "Alert",
    "AlertCursor",
    "AlertDelivery",
    "AlertRule",
    "Subscription",
    "Webhook",
    "ApiClient",
    "Dossier",
    "InvitationOptOut",
    "AuditEvent",
    "LoginAttempt",
    "ROLES",
    "User",
    "Base",
    "Counter",
    "CounterProcedure",
    "DossierVolume",
    "Feedback",
    "HealthCheck",
    "KioskDevice",
    "KioskPairingCode",
    "LookupGeneration",
    "Procedure",
    "PublicUnit",
    "RateLimitWindow",
    "ReportDelivery",
    "Response",
    "response_tally",
    "unit_rollup",
    "SurveyDefinitionRecord",
    "SurveyToken",
    "Unit",
]
