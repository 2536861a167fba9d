"""/api/reviews/: agree or disagree verdicts on other people's tags."""


# DRF's get_object_or_404 answers 404, not 500, for an id that is not a number (/tags/x/).

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet

from claims import selectors, services
from claims.api.contributions import ContributionViewSet
from claims.filters import ReviewFilter
from claims.models import Review
from claims.serializers import (
    ReviewSerializer,
)


class ReviewViewSet(ContributionViewSet):
    """Verdicts (agree or disagree) on other people's tags: one per reviewer and tag."""

    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter

    def get_queryset(self) -> QuerySet[Review]:
        return selectors.reviews_for(self.request.user)

    def restorable(self) -> QuerySet[Review]:
        return selectors.review_for_restore(self.request.user)

    def create_service(self, *, actor: User, **data: Any) -> Review:
        return services.review_submit(actor=actor, **data)

    def update_service(self, *, actor: User, instance: Review, **data: Any) -> Review:
        return services.review_update(actor=actor, review=instance, **data)

    def delete_service(
        self, *, actor: User, instance: Review, expected_version: int | None
    ) -> None:
        services.review_delete(actor=actor, review=instance, expected_version=expected_version)

    def restore_service(
        self, *, actor: User, instance: Review, expected_version: int | None
    ) -> Review:
        return services.review_restore(
            actor=actor, review=instance, expected_version=expected_version
        )
