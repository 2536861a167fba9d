"""The server-rendered pages: home, and a document to read and annotate."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from annotator.models import CONTRIBUTING_ROLES, CURATING_ROLES, Project
from annotator.selectors import documents_with_tag_counts_for, paragraphs_for, roles_of
from claims.models import TagKind
from claims.selectors import tag_page_rows


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """List the user's projects with their documents and tag counts per kind."""
    roles = roles_of(request.user)
    projects = list(Project.objects.filter(pk__in=roles.keys()).order_by("name"))
    documents = documents_with_tag_counts_for(request.user).order_by("project_id", "id")
    by_project: dict[int, list] = {p.pk: [] for p in projects}
    for document in documents:
        by_project[document.project_id].append(document)
    rows = [{"project": p, "role": roles[p.pk], "documents": by_project[p.pk]} for p in projects]
    return render(request, "annotator/home.html", {"rows": rows})


@login_required
def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a document's paragraphs; the page's script paints the tags and handles tagging."""
    paragraphs = list(paragraphs_for(request.user).filter(document_id=pk).order_by("position"))
    if not paragraphs:
        raise Http404("No such document.")
    document = paragraphs[0].document
    role = roles_of(request.user).get(document.project_id)
    tags = tag_page_rows(document_id=pk)
    config = {
        "documentId": document.pk,
        "user": request.user.get_username(),
        "canContribute": role in CONTRIBUTING_ROLES,
        "canCurate": role in CURATING_ROLES,
        "api": {
            "tags": reverse("tag-list"),
        },
        "kinds": [{"value": k.value, "label": k.label} for k in TagKind],
    }
    return render(
        request,
        "annotator/document.html",
        {
            "document": document,
            "project": document.project,
            "paragraphs": paragraphs,
            "role": role,
            "tags": tags,
            "config": config,
            "kinds": TagKind,
        },
    )
