"""The claims pages: home, a project with its import and export pages, a document to annotate,
its review, agreement and map."""

from django.urls import path

from claims.pages import curation, documents, exports, imports, projects

urlpatterns = [
    path("", projects.home, name="home"),
    path("projects/<int:pk>/", projects.project_page, name="project"),
    path("projects/<int:pk>/export/", exports.export_page, name="project-export"),
    path("projects/<int:pk>/import/", imports.import_page, name="project-import"),
    path("documents/<int:pk>/", documents.document_page, name="document"),
    path("documents/<int:pk>/state/", documents.document_state, name="document-state-page"),
    path("documents/<int:pk>/review/", documents.review_page, name="review"),
    path("documents/<int:pk>/agreement/", documents.agreement_page, name="agreement"),
    path("documents/<int:pk>/curate/", curation.curation_page, name="curate"),
    path("documents/<int:pk>/map/", documents.map_page, name="map"),
    path("kinds.css", documents.kinds_stylesheet, name="kinds-css"),
]
