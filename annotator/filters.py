"""Filters of the document API. Every reference is a plain id, matched within what the user may
see: a choice field would look the id up among all rows and answer "not a valid choice" only
for ids that do not exist, telling an outsider which ids do."""

from typing import Any

import django_filters
from django import forms

from annotator.models import Document, Paragraph

#: Ids are 64-bit integers; SQLite cannot even compare with a larger number (a 500, not a 400).
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number within the database's range, else a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=-MAX_ID, max_value=MAX_ID, **kwargs)


class DocumentFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id")

    class Meta:
        model = Document
        fields = ["project"]


class ParagraphFilter(django_filters.FilterSet):
    document = IdFilter(field_name="document_id")

    class Meta:
        model = Paragraph
        fields = ["document"]
