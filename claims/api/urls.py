"""The claims routes under /api/: tags, links, reviews, exports, imports, maps, agreement."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from claims.api.agreement import DocumentAgreementView
from claims.api.changes import DocumentChangesView
from claims.api.exports import DocumentExportView, ProjectExportView
from claims.api.imports import ProjectImportView
from claims.api.links import LinkViewSet
from claims.api.map import DocumentMapView
from claims.api.progress import DocumentProgressView, DocumentStateView
from claims.api.reviews import ReviewViewSet
from claims.api.tags import TagViewSet

router = SimpleRouter()
router.register("tags", TagViewSet, basename="tag")
router.register("links", LinkViewSet, basename="link")
router.register("reviews", ReviewViewSet, basename="review")

urlpatterns = [
    path("documents/<int:pk>/export/", DocumentExportView.as_view(), name="document-export"),
    path("projects/<int:pk>/import/", ProjectImportView.as_view(), name="project-import"),
    path("projects/<int:pk>/export/", ProjectExportView.as_view(), name="project-export"),
    path(
        "documents/<int:pk>/agreement/", DocumentAgreementView.as_view(), name="document-agreement"
    ),
    path("documents/<int:pk>/map/", DocumentMapView.as_view(), name="document-map-api"),
    path(
        "documents/<int:pk>/progress/",
        DocumentProgressView.as_view(),
        name="document-progress",
    ),
    path("documents/<int:pk>/state/", DocumentStateView.as_view(), name="document-state"),
    path("documents/<int:pk>/changes/", DocumentChangesView.as_view(), name="document-changes"),
    *router.urls,
]
