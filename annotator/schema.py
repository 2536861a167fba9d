"""The OpenAPI schema: drf-spectacular's, plus the error responses each operation can give.

drf-spectacular documents only the success response. A client (or schemathesis) must also
know the errors the API answers with, which all come from DRF's exception handling (see
``annotator.exceptions``): 400 with the fields' messages, the rest with a ``detail``.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")


VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Refused input: each key names a field (non_field_errors: the whole request) "
    "and holds its messages; a body that cannot be parsed gives detail instead.",
)

ERRORS = {
    "401": "Not signed in: send Authorization: Token <key> (see /api/auth/token/).",
    "403": "Signed in, but your role in the project does not allow this.",
    "404": "No such object among those you can see (or no such page of results).",
    "409": "Valid, but it clashes with the current state (a concurrent change, say).",
    "412": "The If-Match version is not the current one: someone changed this since.",
    "413": "The request body is too large.",
    "415": "The body's media type is not one this operation reads.",
    "429": "Too many requests; wait for the number of seconds in Retry-After.",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, with the error responses of each operation added."""

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_codes(operation):
            if code in responses:  # an explicit @extend_schema response wins
                continue
            body = (
                VALIDATION_ERROR
                if code == "400"
                else OpenApiResponse(ErrorSerializer, description=ERRORS[code])
            )
            responses[code] = self._get_response_for_code(body, code, ["application/json"])
        return operation

    def _error_codes(self, operation: dict) -> list[str]:
        params = operation.get("parameters", [])
        has_body = "requestBody" in operation
        signed_in = {} not in operation.get("security", [{}])
        codes = []
        # Services refuse writes that break a rule (the last owner leaving, say) with a 400.
        if has_body or self.method in WRITES or any(p["in"] == "query" for p in params):
            codes.append("400")
        if signed_in:
            codes += ["401", "403"]
        if any(p["in"] == "path" or p["name"] == "page" for p in params):
            codes.append("404")
        if signed_in and self.method in WRITES:
            codes.append("409")
        if any(p["in"] == "header" and p["name"].lower() == "if-match" for p in params):
            codes.append("412")
        if has_body:
            codes += ["413", "415"]
        if self.view.get_throttles():
            codes.append("429")
        return codes
