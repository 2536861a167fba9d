"""Tags (spans of a paragraph tagged as one kind), links between tags, and reviews of tags.

Deleting any of them is a soft delete (``deleted_at``), so a curator can restore it; the
default manager hides deleted rows and ``all_objects`` shows them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from annotator.models import Document, LiveManager, Paragraph

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

    objects = LiveManager()
    # ruff takes a plain Manager for a field here (DJ012); it is the unfiltered manager.
    all_objects = models.Manager()  # noqa: DJ012

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class TagKind(models.TextChoices):
    CLAIM = "claim", "Claim"
    EVIDENCE = "evidence", "Evidence"
    OPINION = "opinion", "Author opinion"


class Tag(SoftDeletable):
    """A half-open span ``[start, end)`` of a paragraph, in code points, tagged as a kind."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="tags")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, related_name="tags")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    prefix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    suffix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    kind = models.CharField(max_length=16, choices=TagKind.choices)
    note = models.TextField(blank=True, help_text="Sanitised HTML.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tags"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(SoftDeletable.Meta):
        ordering = ["document_id", "paragraph__position", "start", "end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0),
                name="tag_start_gte_0",
                violation_error_message="start must be 0 or more.",
            ),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")),
                name="tag_start_lt_end",
                violation_error_message="start must be less than end.",
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

    def clean(self) -> None:
        """Check the span against the paragraph: in range, same document, quote matches."""
        super().clean()
        if self.paragraph_id is None or self.start is None or self.end is None:
            return
        paragraph = self.paragraph
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


class Link(SoftDeletable):
    """An edge of the argument map: ``source`` supports or attacks ``target``."""

    source = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="outgoing_links")
    target = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="incoming_links")
    relation = models.CharField(max_length=16, choices=Relation.choices)
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
                condition=~Q(source=F("target")),
                name="link_not_self",
                violation_error_message="A tag cannot support or attack itself.",
            ),
            models.CheckConstraint(
                condition=Q(relation__in=Relation.values), name="link_relation_valid"
            ),
            models.UniqueConstraint(
                fields=["source", "target", "relation", "author"],
                condition=Q(deleted_at__isnull=True),
                name="link_unique_live",
                violation_error_message="You already made this link.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.relation} {self.target_id}"

    def clean(self) -> None:
        """Refuse self-links and links between documents."""
        super().clean()
        if self.source_id is None or self.target_id is None:
            return
        if self.source_id == self.target_id:
            raise ValidationError({"target": "A tag cannot support or attack itself."})
        if self.source.document_id != self.target.document_id:
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
