"""Questionnaires as data: the model, the loader that validates files, and answer validation."""
from surveyapp.definitions.answers import AnswerError, validate_answers
from surveyapp.definitions.loader import DefinitionError, load_definition_file, load_definitions_dir
from surveyapp.definitions.model import Definition, Item, Option, Section

__all__ = [
    "AnswerError",
    "Definition",
    "DefinitionError",
    "Item",
    "Option",
    "Section",
    "load_definition_file",
    "load_definitions_dir",
    "validate_answers",
]
