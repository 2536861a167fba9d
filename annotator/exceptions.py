"""Turn errors raised by services into API responses a person can act on."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotator.services import Conflict


class ConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This clashes with the current state of the data."
    default_code = "conflict"


def _as_drf_detail(exc: DjangoValidationError) -> dict | list:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Map Django validation errors to 400 and conflicts to 409, then defer to DRF."""
    if isinstance(exc, DjangoValidationError):
        exc = DRFValidationError(_as_drf_detail(exc))
    elif isinstance(exc, Conflict):
        exc = ConflictError(str(exc))
    elif isinstance(exc, IntegrityError):
        exc = ConflictError("This clashes with a change made at the same time; reload and retry.")
    return exception_handler(exc, context)
