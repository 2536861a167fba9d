"""Everything under /api/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from annotator import api_views as views
from claims.agreement_views import DocumentAgreementView
from claims.map_views import DocumentMapView
from claims.views import DocumentExportView, ProjectExportView, ProjectImportView

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("paragraphs", views.ParagraphViewSet, basename="paragraph")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, so the CSP needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("documents/<int:pk>/export/", DocumentExportView.as_view(), name="document-export"),
    path("projects/<int:pk>/import/", ProjectImportView.as_view(), name="project-import"),
    path("projects/<int:pk>/export/", ProjectExportView.as_view(), name="project-export"),
    path(
        "documents/<int:pk>/agreement/", DocumentAgreementView.as_view(), name="document-agreement"
    ),
    path("documents/<int:pk>/map/", DocumentMapView.as_view(), name="document-map-api"),
    path("", include(router.urls)),
    path("", include("claims.urls")),
]
