import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.selectors import documents_for, paragraphs_for
from annotator.strict_input import StrictInputMixin
from claims.models import (
    Decision,
    HistoryEntry,
    Link,
    Relation,
    Review,
    Tag,
    TagKind,
    TagStatus,
    Verdict,
)
from claims.selectors import links_visible_to, tags_visible_to

#: Offsets are stored as 32-bit integers; larger values are refused with a clear message.
MAX_OFFSET = 2**31 - 1
MAX_NOTE_CHARS = 20_000
#: Ids are 64-bit; a larger number would overflow SQLite's INTEGER in a query.
MAX_ID = 2**63 - 1


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key restricted to objects the requesting user may see.

    Objects in other projects answer "does not exist", so nothing leaks across projects.
    """

    # scope is a selector such as documents_for; without a request (the schema) it is
    # handed an AnonymousUser.
    def __init__(self, *, scope: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        return self.scope(request.user if request is not None else AnonymousUser())


def _time(value: datetime.datetime | None, zone: datetime.tzinfo) -> str | None:
    """Return a time as DRF's DateTimeField writes it: ISO 8601 in ``zone``, UTC as "Z"."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


#: What a tag's representation reads, as ``values()`` paths (annotations included).
_TAG_PATHS = (
    "id",
    "document_id",
    "paragraph_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "kind",
    "note",
    "author__username",
    "created_at",
    "updated_at",
    "agree_count",
    "disagree_count",
    "status",
    "decision",
    "decided_by__username",
    "decided_at",
    "deleted_at",
    "deleted_by__username",
    "version",
)


def _follow(tag: Tag, path: str) -> Any:
    """Read a ``values()`` path off a tag instance (None past a null relation)."""
    if path in {"agree_count", "disagree_count"}:
        return getattr(tag, path, 0)
    if path == "status":
        return getattr(tag, path, TagStatus.PENDING)
    value: Any = tag
    for name in path.split("__"):
        if value is None:
            return None
        value = getattr(value, name)
    return value


def _tag_shape(read: Callable[[str], Any], zone: datetime.tzinfo) -> dict[str, Any]:
    """The one shape of a tag in the API and the pages: the declared fields' output, written
    out (a test compares the two), since a document page embeds thousands of tags."""
    return {
        "id": read("id"),
        "document": read("document_id"),
        "paragraph": read("paragraph_id"),
        "start": read("start"),
        "end": read("end"),
        "quote": read("quote"),
        "prefix": read("prefix"),
        "suffix": read("suffix"),
        "kind": read("kind"),
        "note": read("note"),
        "author": read("author__username"),
        "created_at": _time(read("created_at"), zone),
        "updated_at": _time(read("updated_at"), zone),
        "agree": read("agree_count"),
        "disagree": read("disagree_count"),
        "implicit": read("paragraph_id") is None,
        "status": read("status"),
        "decision": read("decision"),
        "decided_by": read("decided_by__username"),
        "decided_at": _time(read("decided_at"), zone),
        "deleted_at": _time(read("deleted_at"), zone),
        "deleted_by": read("deleted_by__username"),
        "version": read("version"),
    }


class TagSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A span tag (paragraph, start, end) or an implicit statement (document and quote only)."""

    document = ScopedPrimaryKeyField(
        scope=documents_for,
        required=False,
        help_text="Needed only for an implicit statement; a span tag's follows its paragraph.",
    )
    paragraph = ScopedPrimaryKeyField(scope=paragraphs_for, required=False, allow_null=True)
    start = serializers.IntegerField(
        min_value=0, max_value=MAX_OFFSET, required=False, allow_null=True
    )
    end = serializers.IntegerField(
        min_value=1, max_value=MAX_OFFSET, required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=TagKind.choices)
    quote = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=200_000,
        help_text="Span tags: optional; if sent it must equal the text at start-end. "
        "Implicit statements: the statement's text.",
    )
    implicit = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    note = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE_CHARS
    )
    author: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    # Declared so the schema allows "" (no decision): read-only model fields lose allow_blank.
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True, read_only=True)
    agree = serializers.SerializerMethodField()
    disagree = serializers.SerializerMethodField()
    # The curator who decided its status (null without a decision, or once they are deleted).
    decided_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    # Who deleted it (null while live, and once that user is deleted): the deleted-tags view.
    deleted_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

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
            "implicit",
            "status",
            "decision",
            "decided_by",
            "decided_at",
            "deleted_at",
            "deleted_by",
            "version",
        ]
        read_only_fields = [
            "id",
            "version",
            "decision",
            "decided_by",
            "decided_at",
            "prefix",
            "suffix",
            "created_at",
            "updated_at",
            "deleted_at",
        ]

    def to_representation(self, tag: Tag) -> dict[str, Any]:
        """Return the tag as the API and the pages show it (see ``_tag_shape``)."""
        return _tag_shape(lambda path: _follow(tag, path), timezone.get_current_timezone())

    @staticmethod
    def rows(tags: "QuerySet[Tag]") -> list[dict[str, Any]]:
        """Return many tags as ``to_representation`` gives each, read as plain rows.

        For a document page's thousands of tags: no model instances, no field objects.
        """
        zone = timezone.get_current_timezone()
        return [_tag_shape(row.__getitem__, zone) for row in tags.values(*_TAG_PATHS)]

    @extend_schema_field(serializers.IntegerField())
    def get_agree(self, tag: Tag) -> int:
        return getattr(tag, "agree_count", 0)

    @extend_schema_field(serializers.IntegerField())
    def get_disagree(self, tag: Tag) -> int:
        return getattr(tag, "disagree_count", 0)

    @extend_schema_field(serializers.BooleanField())
    def get_implicit(self, tag: Tag) -> bool:
        return tag.paragraph_id is None

    @extend_schema_field(serializers.ChoiceField(choices=TagStatus.choices))
    def get_status(self, tag: Tag) -> str:
        return getattr(tag, "status", TagStatus.PENDING)

    def validate(self, attrs: dict) -> dict:
        if self.instance is None:
            return self._validate_create(attrs)
        for name in ("paragraph", "document"):
            if name in attrs:
                new = attrs.pop(name)
                if getattr(new, "pk", None) != getattr(self.instance, f"{name}_id"):
                    raise serializers.ValidationError(
                        {name: f"A tag cannot move to another {name}; make a new tag."}
                    )
        return self._validate_span(attrs)

    def _validate_create(self, attrs: dict) -> dict:
        paragraph = attrs.get("paragraph")
        if paragraph is None:
            if attrs.get("start") is not None or attrs.get("end") is not None:
                raise serializers.ValidationError(
                    {"paragraph": "This field is required: start and end point into a paragraph."}
                )
            if "document" not in attrs or not attrs.get("quote", "").strip():
                raise serializers.ValidationError(
                    {
                        "paragraph": "Send paragraph, start and end to tag a span, or document "
                        "and quote (the statement's text) for an implicit statement."
                    }
                )
            return attrs
        if attrs.get("start") is None or attrs.get("end") is None:
            raise serializers.ValidationError(
                {"start" if attrs.get("start") is None else "end": "This field is required."}
            )
        document = attrs.pop("document", None)
        if document is not None and document.pk != paragraph.document_id:
            raise serializers.ValidationError(
                {"document": "The paragraph belongs to another document."}
            )
        return self._validate_span(attrs)

    def _validate_span(self, attrs: dict) -> dict:
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start is not None and end is not None and start >= end:
            raise serializers.ValidationError({"start": "start must be less than end."})
        return attrs


class LinkSerializer(StrictInputMixin, serializers.ModelSerializer):
    """supports/attacks a tag (``target``), or undercuts a link (``target_link``)."""

    # The serializer's metaclass takes declared fields off the class, so this field never
    # shadows Field.source at runtime; the stubs see a clash.
    source = ScopedPrimaryKeyField(scope=tags_visible_to)  # type: ignore[assignment]
    target = ScopedPrimaryKeyField(scope=tags_visible_to, required=False, allow_null=True)
    target_link = ScopedPrimaryKeyField(scope=links_visible_to, required=False, allow_null=True)
    relation = serializers.ChoiceField(choices=Relation.choices)
    group = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Links into one target with the same group form one linked argument.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE_CHARS
    )
    author: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    document = serializers.IntegerField(source="source.document_id", read_only=True)
    # Who deleted it (null while live, and once that user is deleted): the deleted view.
    deleted_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Link
        fields = [
            "id",
            "document",
            "source",
            "target",
            "target_link",
            "relation",
            "group",
            "note",
            "author",
            "created_at",
            "updated_at",
            "deleted_at",
            "deleted_by",
            "version",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "deleted_at", "version"]

    def validate(self, attrs: dict) -> dict:
        if self.instance is None:
            if attrs.get("target") is None and attrs.get("target_link") is None:
                raise serializers.ValidationError(
                    {
                        "target": "Give the tag this link supports or attacks (or, to undercut "
                        "a link, target_link)."
                    }
                )
            return attrs
        for end in ("source", "target", "target_link"):
            if end in attrs:
                new = attrs.pop(end)
                if getattr(new, "pk", None) != getattr(self.instance, f"{end}_id"):
                    raise serializers.ValidationError(
                        {end: "A link's ends cannot change; delete it and make a new link."}
                    )
        return attrs


#: What a curator may set; "pending" withdraws a decision.
DECISION_STATUS_CHOICES = [
    ("accepted", "accepted"),
    ("rejected", "rejected"),
    ("pending", "pending"),
]


class DecisionSerializer(StrictInputMixin, serializers.Serializer):
    status = serializers.ChoiceField(
        choices=DECISION_STATUS_CHOICES,
        help_text="pending withdraws the decision: the status follows the reviews again.",
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_NOTE_CHARS, trim_whitespace=False
    )


class HistoryEntrySerializer(serializers.ModelSerializer):
    # null once the user is deleted (SET_NULL).
    actor: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = HistoryEntry
        fields = [
            "id",
            "entity",
            "object_id",
            "action",
            "actor",
            "at",
            "before",
            "after",
            "comment",
        ]


class ReviewSerializer(StrictInputMixin, serializers.ModelSerializer):
    tag = ScopedPrimaryKeyField(scope=tags_visible_to)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE_CHARS
    )
    reviewer: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
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
            "version",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "deleted_at", "version"]

    def validate(self, attrs: dict) -> dict:
        if self.instance is None or "tag" not in attrs:
            return attrs
        if attrs.pop("tag").pk != self.instance.tag_id:
            raise serializers.ValidationError({"tag": "A review cannot move to another tag."})
        return attrs


# --- Curation and discussion ----------------------------------------------------------------


class MergeSerializer(StrictInputMixin, serializers.Serializer):
    tags = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=2,
        max_length=100,
        help_text="Ids of the near-duplicate tags (same document, overlapping spans or the same "
        "implicit text).",
    )
    into = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="The tag to keep (one of tags); default: the first.",
    )

    def validate(self, attrs: dict) -> dict:
        if len(set(attrs["tags"])) < 2:
            raise serializers.ValidationError({"tags": "Give at least two different tags."})
        into = attrs.get("into")
        if into is not None and into not in attrs["tags"]:
            raise serializers.ValidationError(
                {"into": "The tag to keep must be one of the tags merged."}
            )
        return attrs


class DiscussionReviewSerializer(serializers.ModelSerializer):
    reviewer: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Review
        fields = ["id", "reviewer", "verdict", "comment", "created_at", "updated_at"]


class DiscussionDecisionSerializer(serializers.ModelSerializer):
    """A curator's decision (or a merge) from the tag's history."""

    # null once the user is deleted (SET_NULL).
    actor: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    status = serializers.SerializerMethodField(
        help_text="The decision it left: accepted, rejected or pending (none)."
    )

    class Meta:
        model = HistoryEntry
        fields = ["id", "action", "actor", "status", "at", "comment"]

    @extend_schema_field(serializers.ChoiceField(choices=["accepted", "rejected", "pending"]))
    def get_status(self, entry: HistoryEntry) -> str:
        return (entry.after or {}).get("decision") or "pending"


class DiscussionSerializer(serializers.Serializer):
    tag = serializers.IntegerField()
    status = serializers.ChoiceField(choices=TagStatus.choices)
    agree = serializers.IntegerField()
    disagree = serializers.IntegerField()
    reviews = DiscussionReviewSerializer(many=True, help_text="Live reviews, oldest first.")
    decisions = DiscussionDecisionSerializer(many=True, help_text="Oldest first.")
