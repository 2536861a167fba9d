import django_filters
from django import forms

from claims.models import Link, Relation, Review, Tag, TagKind, TagStatus, Verdict

#: Ids are 64-bit integers; SQLite cannot even compare with a larger number (a 500, not a 400).
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number within the database's range, else a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=-MAX_ID, max_value=MAX_ID, **kwargs)


class TagFilter(django_filters.FilterSet):
    document = IdFilter(field_name="document_id")
    paragraph = IdFilter(field_name="paragraph_id")
    kind = django_filters.ChoiceFilter(choices=TagKind.choices)
    author = django_filters.CharFilter(field_name="author__username", help_text="Username.")
    status = django_filters.ChoiceFilter(
        choices=TagStatus.choices, help_text="Derived review status; accepted is the gold layer."
    )
    implicit = django_filters.BooleanFilter(field_name="paragraph", lookup_expr="isnull")

    class Meta:
        model = Tag
        fields = ["document", "paragraph", "kind", "author", "status", "implicit"]


class LinkFilter(django_filters.FilterSet):
    document = IdFilter(field_name="source__document_id")
    relation = django_filters.ChoiceFilter(choices=Relation.choices)
    author = django_filters.CharFilter(field_name="author__username", help_text="Username.")

    class Meta:
        model = Link
        fields = ["document", "source", "target", "target_link", "relation", "group", "author"]


class ReviewFilter(django_filters.FilterSet):
    document = IdFilter(field_name="tag__document_id")
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices)
    reviewer = django_filters.CharFilter(field_name="reviewer__username", help_text="Username.")

    class Meta:
        model = Review
        fields = ["document", "tag", "verdict", "reviewer"]
