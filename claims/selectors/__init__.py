"""Reads of tags, links and reviews, scoped to the projects a user belongs to.

``scoped``: what each user may see; ``changes``: a document's change feed; ``snapshots``:
documents and projects as plain data for the exporters and the map; ``review``: discussions,
statuses, agreement and counts.
"""

from claims.selectors.changes import ChangePage, changes_since, document_seq, visible_change
from claims.selectors.progress import AnnotatorProgress, progress_by_document
from claims.selectors.review import (
    AgreementInputs,
    agreement_inputs,
    document_agreement,
    documents_with_tag_counts_for,
    my_reviews,
    paragraph_counts,
    status_counts_by_document,
    tag_discussion,
)
from claims.selectors.scoped import (
    READING_ORDER,
    ReviewCounts,
    document_tags,
    history_of,
    link_for_restore,
    links_for,
    links_visible_to,
    review_for_restore,
    reviews_for,
    tag_for_restore,
    tags_for,
    tags_visible_to,
    with_review_counts,
)
from claims.selectors.snapshots import (
    argument_map,
    consistent_reads,
    document_snapshot,
    project_snapshot,
    tag_authors,
)

__all__ = [
    "READING_ORDER",
    "AgreementInputs",
    "AnnotatorProgress",
    "ChangePage",
    "ReviewCounts",
    "agreement_inputs",
    "argument_map",
    "changes_since",
    "consistent_reads",
    "document_agreement",
    "document_seq",
    "document_snapshot",
    "document_tags",
    "documents_with_tag_counts_for",
    "history_of",
    "link_for_restore",
    "links_for",
    "links_visible_to",
    "my_reviews",
    "paragraph_counts",
    "progress_by_document",
    "project_snapshot",
    "review_for_restore",
    "reviews_for",
    "status_counts_by_document",
    "tag_authors",
    "tag_discussion",
    "tag_for_restore",
    "tags_for",
    "tags_visible_to",
    "visible_change",
    "with_review_counts",
]
