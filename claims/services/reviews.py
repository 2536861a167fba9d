"""Writes to reviews: submit, change, delete and restore a verdict on someone else's tag."""

from django.contrib.auth.models import User

from annotator.selectors import role_in
from annotator.services import Conflict
from claims.models import (
    Review,
    Tag,
)
from claims.permissions import (
    can_contribute,
    require,
)
from claims.sanitize import clean_html
from claims.services.versioned import (
    NOT_A_CONTRIBUTOR,
    check_version,
    recorded_write,
    require_change,
    save_validated,
    soft_delete,
    state_of,
    undelete,
)


@recorded_write
def review_submit(*, actor: User, tag: Tag, verdict: str, comment: str = "") -> Review:
    """Record the actor's verdict on someone else's tag."""
    require(can_contribute(role_in(actor, tag.document.project_id)), NOT_A_CONTRIBUTOR)
    review = Review(tag=tag, reviewer=actor, verdict=verdict, comment=clean_html(comment))
    save_validated(review, actor=actor)
    return review


@recorded_write
def review_update(
    *,
    actor: User,
    review: Review,
    verdict: str | None = None,
    comment: str | None = None,
    expected_version: int | None = None,
) -> Review:
    """Change a review's verdict or comment."""
    require_change(actor, review)
    check_version(review, expected_version)
    before = state_of(review)
    if verdict is not None:
        review.verdict = verdict
    if comment is not None:
        review.comment = clean_html(comment)
    save_validated(review, actor=actor, before=before, expected_version=expected_version)
    return review


@recorded_write
def review_delete(*, actor: User, review: Review, expected_version: int | None = None) -> None:
    """Soft-delete a review."""
    require_change(actor, review)
    soft_delete(review, actor=actor, expected_version=expected_version)


@recorded_write
def review_restore(*, actor: User, review: Review, expected_version: int | None = None) -> Review:
    """Restore a deleted review; its tag must be live."""
    require_change(actor, review)
    check_version(review, expected_version)
    if review.tag.is_deleted:
        raise Conflict("Restore the deleted tag first: a review needs its tag.")
    undelete(review, actor=actor, expected_version=expected_version)
    return review
