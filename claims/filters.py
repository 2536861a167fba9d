import django_filters

from claims.models import Link, Relation, Review, Tag, TagKind, Verdict


class TagFilter(django_filters.FilterSet):
    document = django_filters.NumberFilter(field_name="document_id")
    paragraph = django_filters.NumberFilter(field_name="paragraph_id")
    kind = django_filters.ChoiceFilter(choices=TagKind.choices)
    author = django_filters.CharFilter(field_name="author__username", help_text="Username.")

    class Meta:
        model = Tag
        fields = ["document", "paragraph", "kind", "author"]


class LinkFilter(django_filters.FilterSet):
    document = django_filters.NumberFilter(field_name="source__document_id")
    relation = django_filters.ChoiceFilter(choices=Relation.choices)
    author = django_filters.CharFilter(field_name="author__username", help_text="Username.")

    class Meta:
        model = Link
        fields = ["document", "source", "target", "relation", "author"]


class ReviewFilter(django_filters.FilterSet):
    document = django_filters.NumberFilter(field_name="tag__document_id")
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices)
    reviewer = django_filters.CharFilter(field_name="reviewer__username", help_text="Username.")

    class Meta:
        model = Review
        fields = ["document", "tag", "verdict", "reviewer"]
