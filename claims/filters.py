"""Filters of the tag, link and review lists; references are plain ids (see annotator.filters),
so they also find deleted tags and links in ``?deleted=true`` lists."""

import django_filters

from annotator.filters import IdFilter
from claims.models import Link, Relation, Review, Tag, TagKind, TagStatus, Verdict


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
    source = IdFilter(field_name="source_id")
    target = IdFilter(field_name="target_id")
    target_link = IdFilter(field_name="target_link_id")
    relation = django_filters.ChoiceFilter(choices=Relation.choices)
    author = django_filters.CharFilter(field_name="author__username", help_text="Username.")

    class Meta:
        model = Link
        fields = ["document", "source", "target", "target_link", "relation", "group", "author"]


class ReviewFilter(django_filters.FilterSet):
    document = IdFilter(field_name="tag__document_id")
    tag = IdFilter(field_name="tag_id")
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices)
    reviewer = django_filters.CharFilter(field_name="reviewer__username", help_text="Username.")

    class Meta:
        model = Review
        fields = ["document", "tag", "verdict", "reviewer"]
