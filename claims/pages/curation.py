"""The curation page: the annotators' versions of each disagreement side by side, settled by
keyboard through the tag decision API."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from annotator.models import CURATING_ROLES
from annotator.permissions import acting_user
from annotator.selectors import paragraphs_for, roles_of
from claims.kinds import all_kinds

NOT_A_CURATOR = "Only curators and owners of this project curate its documents."


@login_required
def curation_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show each disagreement with every annotator's version, to accept one, reject or reset."""
    paragraphs = list(
        paragraphs_for(acting_user(request)).filter(document_id=pk).order_by("position")
    )
    if not paragraphs:
        raise Http404("No such document.")
    document = paragraphs[0].document
    if roles_of(request.user).get(document.project_id) not in CURATING_ROLES:
        raise PermissionDenied(NOT_A_CURATOR)
    config = {
        "documentId": document.pk,
        "api": {
            "disagreements": reverse("document-disagreements", args=[document.pk]),
            "tags": reverse("tag-list"),
        },
        "kinds": [k.as_config() for k in all_kinds()],
        "paragraphs": [{"id": p.pk, "position": p.position, "text": p.text} for p in paragraphs],
    }
    return render(
        request,
        "claims/curate.html",
        {"document": document, "project": document.project, "config": config},
    )
