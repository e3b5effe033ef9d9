"""SQLAlchemy 2.0 typed models. Import from here; Alembic reads `Base.metadata`."""
from surveyapp.models.base import Base
from surveyapp.models.organisation import Counter, Procedure, Unit
from surveyapp.models.survey import Response, SurveyDefinitionRecord, SurveyToken

__all__ = [
    "Base",
    "Counter",
    "Procedure",
    "Response",
    "SurveyDefinitionRecord",
    "SurveyToken",
    "Unit",
]
