"""Tags (spans of a paragraph tagged as one kind), links between tags, and reviews of tags.

Deleting any of them is a soft delete (``deleted_at``), so a curator can restore it; the
default manager hides deleted rows and ``all_objects`` shows them.
"""

from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from annotator.models import Document, LiveManager, Paragraph
from claims.kinds import kind_choices

#: How many characters of context a tag keeps on each side, for re-anchoring.
CONTEXT_CHARS = 32


class SoftDeletable(models.Model):
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    #: Bumped by every service write; the API's ETag, checked against If-Match (see
    #: annotator.services.StaleVersion).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = LiveManager()
    # ruff takes a plain Manager for a field here (DJ012); it is the unfiltered manager.
    all_objects = models.Manager()  # noqa: DJ012

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


#: The kinds of tag, from the registry in ``claims.kinds`` (one place defines each kind).
# The stubs know only the class form of choices; the functional form builds them from the registry.
TagKind = models.TextChoices("TagKind", kind_choices())  # type: ignore[call-overload]


class Decision(models.TextChoices):
    """A curator's ruling on a tag; without one the status follows the reviews."""

    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


def parse_statuses(values: Iterable[str]) -> list[str]:
    """Return the statuses named in ``values`` (each may be comma separated), checked, in order."""
    statuses = [s.strip() for value in values for s in value.split(",") if s.strip()]
    unknown = [s for s in statuses if s not in TagStatus.values]
    if unknown:
        raise ValidationError(
            {
                "status": f"Unknown status {', '.join(map(repr, unknown))}; use one or more of "
                f"{', '.join(TagStatus.values)}, separated by commas."
            }
        )
    return sorted(set(statuses), key=TagStatus.values.index)


def tag_page_url(document_id: int, tag_id: int) -> str:
    """Return the document page opened at a tag's passage."""
    return f"{reverse('document', args=[document_id])}#tag-{tag_id}"


class TagStatus(models.TextChoices):
    """Where a tag stands after review; derived, never stored (see claims.selectors)."""

    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DISPUTED = "disputed", "Disputed"
    REJECTED = "rejected", "Rejected"


class Tag(SoftDeletable):
    """A half-open span ``[start, end)`` of a paragraph, in code points, tagged as a kind.

    An *implicit* tag is a statement the author left unstated, written by the annotator: it has
    no paragraph and no offsets, and ``quote`` holds its text.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="tags")
    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.PROTECT, related_name="tags", null=True, blank=True
    )
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(help_text="The text at the span; for an implicit tag, its own text.")
    prefix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    suffix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    kind = models.CharField(max_length=16, choices=TagKind.choices)
    note = models.TextField(blank=True, help_text="Sanitised HTML.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tags"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(SoftDeletable.Meta):
        ordering = ["document_id", "paragraph__position", "start", "end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(paragraph__isnull=True, start__isnull=True, end__isnull=True)
                    | Q(paragraph__isnull=False, start__isnull=False, end__isnull=False)
                ),
                name="tag_span_all_or_nothing",
                violation_error_message=(
                    "A tag has a paragraph, start and end, or (an implicit statement) none of them."
                ),
            ),
            models.CheckConstraint(
                condition=Q(paragraph__isnull=False) | ~Q(quote=""),
                name="tag_implicit_has_text",
                violation_error_message="An implicit statement needs its text.",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(start__gte=0),
                name="tag_start_gte_0",
                violation_error_message="start must be 0 or more.",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(start__lt=F("end")),
                name="tag_start_lt_end",
                violation_error_message="start must be less than end.",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["", *Decision.values]), name="tag_decision_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=TagKind.values), name="tag_kind_valid"),
            models.UniqueConstraint(
                fields=["paragraph", "start", "end", "kind", "author"],
                condition=Q(deleted_at__isnull=True),
                name="tag_unique_live_span_kind_author",
                violation_error_message=(
                    "You already tagged this exact span with this kind; edit that tag instead."
                ),
            ),
        ]
        indexes = [models.Index(fields=["document", "deleted_at"], name="tag_document_live")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.quote[:60]}"

    @property
    def is_implicit(self) -> bool:
        return self.paragraph_id is None

    def clean(self) -> None:
        """Check the span against the paragraph: in range, same document, quote matches."""
        super().clean()
        if self.paragraph_id is None:
            if self.start is not None or self.end is not None:
                raise ValidationError(
                    {"paragraph": "A tag with offsets needs the paragraph they point into."}
                )
            if not (self.quote or "").strip():
                raise ValidationError({"quote": "An implicit statement needs its text."})
            return
        if self.start is None or self.end is None:
            raise ValidationError({"start": "A tag in a paragraph needs start and end."})
        paragraph = cast(Paragraph, self.paragraph)  # start and end are set, so it is too
        if self.document_id is not None and paragraph.document_id != self.document_id:
            raise ValidationError({"paragraph": "The paragraph belongs to another document."})
        length = len(paragraph.text)
        if self.end > length:
            raise ValidationError(
                {"end": f"end ({self.end}) is past the end of the paragraph ({length} characters)."}
            )
        if self.start >= self.end:
            raise ValidationError({"start": "start must be less than end."})
        expected = paragraph.text[self.start : self.end]
        if self.quote != expected:
            raise ValidationError(
                {
                    "quote": f"The quote does not match the paragraph's text at {self.start}-"
                    f"{self.end}, which reads {expected!r}."
                }
            )


class Relation(models.TextChoices):
    SUPPORTS = "supports", "supports"
    ATTACKS = "attacks", "attacks"
    UNDERCUTS = "undercuts", "undercuts"


class Link(SoftDeletable):
    """An edge of the argument map.

    ``source`` supports or attacks the tag ``target``, or undercuts the link ``target_link``
    (an attack on the inference, not the statement): exactly one target is set. Links into
    the same target with the same ``group`` form one linked argument (premises that only work
    together); an ungrouped link is an argument of its own.
    """

    source = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="outgoing_links")
    target = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="incoming_links", null=True, blank=True
    )
    target_link = models.ForeignKey(
        "self", on_delete=models.CASCADE, related_name="undercutters", null=True, blank=True
    )
    relation = models.CharField(max_length=16, choices=Relation.choices)
    group = models.CharField(
        max_length=64,
        blank=True,
        help_text="Links into one target sharing a group form one linked argument.",
    )
    note = models.TextField(blank=True, help_text="Sanitised HTML.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="links"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(SoftDeletable.Meta):
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=True) | ~Q(source=F("target")),
                name="link_not_self",
                violation_error_message="A tag cannot support or attack itself.",
            ),
            models.CheckConstraint(
                condition=Q(relation__in=Relation.values), name="link_relation_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(target__isnull=False, target_link__isnull=True)
                    & Q(relation__in=[Relation.SUPPORTS, Relation.ATTACKS])
                )
                | (
                    Q(target__isnull=True, target_link__isnull=False)
                    & Q(relation=Relation.UNDERCUTS)
                ),
                name="link_exactly_one_target",
                violation_error_message=(
                    "supports and attacks point at a tag (target); undercuts points at a link "
                    "(target_link); give exactly one of them."
                ),
            ),
            models.UniqueConstraint(
                fields=["source", "target", "relation", "author"],
                condition=Q(deleted_at__isnull=True, target__isnull=False),
                name="link_unique_live",
                violation_error_message="You already made this link.",
            ),
            models.UniqueConstraint(
                fields=["source", "target_link", "author"],
                condition=Q(deleted_at__isnull=True, target_link__isnull=False),
                name="link_unique_live_undercut",
                violation_error_message="You already made this undercut.",
            ),
        ]

    def __str__(self) -> str:
        target = self.target_id if self.target_link_id is None else f"link {self.target_link_id}"
        return f"{self.source_id} {self.relation} {target}"

    @property
    def document_id(self) -> int:
        return self.source.document_id

    def clean(self) -> None:
        """Refuse self-links, links between documents and a relation that fits no target."""
        super().clean()
        if self.source_id is None:
            return
        if self.target_id is not None and self.target_link_id is not None:
            raise ValidationError({"target_link": "Give a target tag or a target link, not both."})
        if self.relation == Relation.UNDERCUTS:
            if self.target_link_id is None:
                raise ValidationError(
                    {"target_link": "An undercut attacks a link: give target_link."}
                )
            if cast(Link, self.target_link).source.document_id != self.source.document_id:
                raise ValidationError(
                    {"target_link": "The undercut link must be in the same document."}
                )
            if self.pk is not None and self.target_link_id == self.pk:
                raise ValidationError({"target_link": "A link cannot undercut itself."})
            return
        if self.target_id is None:
            raise ValidationError({"target": f"A link that {self.relation} needs a target tag."})
        if self.source_id == self.target_id:
            raise ValidationError({"target": "A tag cannot support or attack itself."})
        if self.source.document_id != cast(Tag, self.target).document_id:
            raise ValidationError({"target": "Both tags of a link must be in the same document."})


class Verdict(models.TextChoices):
    AGREE = "agree", "Agree"
    DISAGREE = "disagree", "Disagree"


class Review(SoftDeletable):
    """One reviewer's verdict on someone else's tag."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    comment = models.TextField(blank=True, help_text="Sanitised HTML.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(SoftDeletable.Meta):
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values), name="review_verdict_valid"
            ),
            models.UniqueConstraint(
                fields=["tag", "reviewer"],
                condition=Q(deleted_at__isnull=True),
                name="review_unique_live_per_reviewer",
                violation_error_message="You have already reviewed this tag; edit your review.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.verdict}s with tag {self.tag_id}"

    def clean(self) -> None:
        """Refuse a review of one's own tag."""
        super().clean()
        own = self.tag_id is not None and self.tag.author_id == self.reviewer_id
        if own and self.reviewer_id is not None:
            raise ValidationError({"tag": "You cannot review your own tag."})


class HistoryAction(models.TextChoices):
    CREATE = "create", "created"
    UPDATE = "update", "changed"
    DELETE = "delete", "deleted"
    RESTORE = "restore", "restored"
    DECIDE = "decide", "decided"
    MERGE = "merge", "merged"


class HistoryEntry(models.Model):
    """One change to a tag, link or review: who, when, and the fields before and after.

    The entries of a document, in ``seq`` order, are its change feed (the live pages' events):
    ``seq`` counts 1, 2, 3... per document, in the order the writes committed (see
    ``claims.services.versioned.take_seqs``).
    """

    project = models.ForeignKey(
        "annotator.Project", on_delete=models.CASCADE, related_name="history"
    )
    # Null only for an entry whose item is gone (restored from a backup that lacked it).
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="history", null=True, blank=True
    )
    seq = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The change's number in its document's feed."
    )
    entity = models.CharField(max_length=16)  # "tag", "link" or "review"
    object_id = models.BigIntegerField()
    # Whose tag, link or review it is (a review's reviewer): a blind first pass hides the
    # entries of other people's items, as it hides the items.
    item_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=16, choices=HistoryAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["entity", "object_id"], name="history_entity_object")]
        constraints = [
            # Also the feed's index: a document's entries after a seq, in order.
            models.UniqueConstraint(fields=["document", "seq"], name="history_document_seq"),
        ]
        verbose_name_plural = "history entries"

    def __str__(self) -> str:
        return f"{self.entity} {self.object_id} {self.action} by {self.actor_id} at {self.at}"


class ChangeCounter(models.Model):
    """The last ``seq`` given to a change of a document (see ``HistoryEntry.seq``).

    One row a document, made by its first change. A write takes its numbers by raising
    ``last_seq`` in its own transaction, which locks the row until the write commits or rolls
    back: see ``claims.services.versioned.take_seqs``.
    """

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="change_counter"
    )
    last_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"document {self.document_id} at change {self.last_seq}"
