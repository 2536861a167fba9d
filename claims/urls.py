"""The claims pages: home, a project and its import page, a document to annotate, its review,
agreement and map."""

from django.urls import path

from claims.pages import documents, imports, projects

urlpatterns = [
    path("", projects.home, name="home"),
    path("projects/<int:pk>/", projects.project_page, name="project"),
    path("projects/<int:pk>/import/", imports.import_page, name="project-import"),
    path("documents/<int:pk>/", documents.document_page, name="document"),
    path("documents/<int:pk>/review/", documents.review_page, name="review"),
    path("documents/<int:pk>/agreement/", documents.agreement_page, name="agreement"),
    path("documents/<int:pk>/map/", documents.map_page, name="map"),
    path("kinds.css", documents.kinds_stylesheet, name="kinds-css"),
]
