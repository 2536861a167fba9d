"""Serializers that refuse input DRF would otherwise drop or convert without a word."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.http import QueryDict
from rest_framework import serializers


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _type_problem(field: serializers.Field, value: Any) -> str | None:
    """Say what is wrong with a JSON value's type for ``field``; None if nothing."""
    if value is None:
        return None  # the field's allow_null decides
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        for i, item in enumerate(value):
            problem = _type_problem(field.child, item)
            if problem is not None:
                return f"Item {i}: {problem}"
        return None
    text_fields = (
        serializers.CharField,
        serializers.ChoiceField,
        serializers.DateField,
        serializers.DateTimeField,
    )
    if isinstance(field, text_fields) and not isinstance(value, str):
        return f"Not a valid string: expected text, not {_json_kind(value)}."
    number_fields = (serializers.IntegerField, serializers.PrimaryKeyRelatedField)
    if isinstance(field, number_fields) and (isinstance(value, bool) or not isinstance(value, int)):
        return f"A valid integer is required: a whole number, not {_json_kind(value)}."
    return None


if TYPE_CHECKING:
    # The mixin goes before a serializer class, whose fields and to_internal_value it uses.
    _SerializerBase = serializers.Serializer
else:
    _SerializerBase = object


class StrictInputMixin(_SerializerBase):
    """Refuse what DRF would ignore or convert, so a mistake never passes as a success.

    - A field the serializer does not have: a typo such as ``knd`` would leave the kind
      unchanged and answer 200. Read-only fields (``id``, ``author``, ``version``...) are
      still ignored, as DRF documents, so a representation can be sent back as it came.
    - In JSON bodies, a value of the wrong JSON type: a number where text goes (``"note": 5``
      would be stored as ``"5"``), text where a number goes, or a fraction where a whole
      number goes. Form bodies carry only text, so DRF's conversions stay for them.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = self._refused(data)
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def _refused(self, data: Mapping) -> dict[str, list[str]]:
        writable = [name for name, field in self.fields.items() if not field.read_only]
        typed = not isinstance(data, QueryDict)
        errors: dict[str, list[str]] = {}
        for key in data:
            if not typed and key == "csrfmiddlewaretoken":  # the browsable API's forms
                continue
            field = self.fields.get(key)
            if field is None:
                errors[str(key)] = [f"Unknown field; this one takes {', '.join(writable)}."]
            elif field.read_only:
                continue
            elif typed and (problem := _type_problem(field, data[key])) is not None:
                errors[key] = [problem]
        return errors
