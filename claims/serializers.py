from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.selectors import paragraphs_for
from claims.models import Link, Relation, Review, Tag, TagKind, Verdict
from claims.selectors import tags_visible_to

#: Offsets are stored as 32-bit integers; larger values are refused with a clear message.
MAX_OFFSET = 2**31 - 1
MAX_NOTE_CHARS = 20_000


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key restricted to objects the requesting user may see.

    Objects in other projects answer "does not exist", so nothing leaks across projects.
    """

    def __init__(self, *, scope, **kwargs) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.scope(request.user if request is not None else AnonymousUser())


class TagSerializer(serializers.ModelSerializer):
    paragraph = ScopedPrimaryKeyField(scope=paragraphs_for)
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET)
    kind = serializers.ChoiceField(choices=TagKind.choices)
    quote = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=200_000,
        help_text="Optional on create: if sent, it must equal the text at start-end.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE_CHARS
    )
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    agree = serializers.SerializerMethodField()
    disagree = serializers.SerializerMethodField()

    class Meta:
        model = Tag
        fields = [
            "id",
            "document",
            "paragraph",
            "start",
            "end",
            "quote",
            "prefix",
            "suffix",
            "kind",
            "note",
            "author",
            "created_at",
            "updated_at",
            "agree",
            "disagree",
            "deleted_at",
        ]
        read_only_fields = [
            "id",
            "document",
            "prefix",
            "suffix",
            "created_at",
            "updated_at",
            "deleted_at",
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_agree(self, tag: Tag) -> int:
        return getattr(tag, "agree_count", 0)

    @extend_schema_field(serializers.IntegerField())
    def get_disagree(self, tag: Tag) -> int:
        return getattr(tag, "disagree_count", 0)

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and "paragraph" in attrs:
            if attrs["paragraph"].pk != self.instance.paragraph_id:
                raise serializers.ValidationError(
                    {"paragraph": "A tag cannot move to another paragraph; tag the new span."}
                )
            del attrs["paragraph"]
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start is not None and end is not None and start >= end:
            raise serializers.ValidationError({"start": "start must be less than end."})
        return attrs


class LinkSerializer(serializers.ModelSerializer):
    source = ScopedPrimaryKeyField(scope=tags_visible_to)
    target = ScopedPrimaryKeyField(scope=tags_visible_to)
    relation = serializers.ChoiceField(choices=Relation.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE_CHARS
    )
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    document = serializers.IntegerField(source="source.document_id", read_only=True)

    class Meta:
        model = Link
        fields = [
            "id",
            "document",
            "source",
            "target",
            "relation",
            "note",
            "author",
            "created_at",
            "updated_at",
            "deleted_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "deleted_at"]

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None:
            for end in ("source", "target"):
                if end in attrs and attrs[end].pk != getattr(self.instance, f"{end}_id"):
                    raise serializers.ValidationError(
                        {end: "A link's tags cannot change; delete it and make a new link."}
                    )
                attrs.pop(end, None)
        return attrs


class ReviewSerializer(serializers.ModelSerializer):
    tag = ScopedPrimaryKeyField(scope=tags_visible_to)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE_CHARS
    )
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    document = serializers.IntegerField(source="tag.document_id", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "document",
            "tag",
            "reviewer",
            "verdict",
            "comment",
            "created_at",
            "updated_at",
            "deleted_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "deleted_at"]

    def validate(self, attrs: dict) -> dict:
        if self.instance is None or "tag" not in attrs:
            return attrs
        if attrs.pop("tag").pk != self.instance.tag_id:
            raise serializers.ValidationError({"tag": "A review cannot move to another tag."})
        return attrs
