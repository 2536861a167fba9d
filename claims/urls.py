"""The claims pages: home, a document to annotate, its review, agreement and argument map."""

from django.urls import path

from claims import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("projects/<int:pk>/", pages.project_page, name="project"),
    path("documents/<int:pk>/", pages.document_page, name="document"),
    path("documents/<int:pk>/review/", pages.review_page, name="review"),
    path("documents/<int:pk>/agreement/", pages.agreement_page, name="agreement"),
    path("documents/<int:pk>/map/", pages.map_page, name="map"),
    path("kinds.css", pages.kinds_stylesheet, name="kinds-css"),
]
