"""Turn errors raised by services into API responses a person can act on."""

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotator.parsers import RequestTooLarge, body_too_large
from annotator.services import Conflict, InvitationGone, InvitationUnknown, StaleVersion


class ConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This clashes with the current state of the data."
    default_code = "conflict"


class GoneError(APIException):
    """410: the thing was there but cannot be used any more (an expired invitation, say)."""

    status_code = status.HTTP_410_GONE
    default_detail = "This is no longer available."
    default_code = "gone"


class PreconditionFailed(APIException):
    """412: the If-Match of a write names a version other than the stored one."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "This item was changed by someone else since you loaded it; reload it."
    default_code = "precondition_failed"

    def __init__(self, detail: str | None = None, *, current_version: int | None = None) -> None:
        super().__init__(detail)
        self.current_version = current_version


def _as_drf_detail(exc: DjangoValidationError) -> dict | list:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Map validation errors to 400, conflicts to 409, stale versions to 412, dead invitations
    to 410 (unknown ones to 404), then defer to DRF."""
    if isinstance(exc, DjangoValidationError):
        exc = DRFValidationError(_as_drf_detail(exc))
    elif isinstance(exc, StaleVersion):
        exc = PreconditionFailed(str(exc), current_version=exc.current)
    elif isinstance(exc, Conflict):
        exc = ConflictError(str(exc))
    elif isinstance(exc, InvitationGone):
        exc = GoneError(str(exc))
    elif isinstance(exc, InvitationUnknown):
        exc = NotFound(str(exc))
    elif isinstance(exc, IntegrityError):
        exc = ConflictError("This clashes with a change made at the same time; reload and retry.")
    elif isinstance(exc, RequestDataTooBig):
        # Django's DATA_UPLOAD_MAX_MEMORY_SIZE, on JSON bodies and form fields (not files).
        exc = RequestTooLarge(body_too_large())
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, PreconditionFailed):
        response.data["current_version"] = exc.current_version
    return response
