"""The home and project pages: what a member has to read and how far each document is."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotator.forms import ProjectNewForm
from annotator.models import CURATING_ROLES, Project, Role
from annotator.permissions import acting_user
from annotator.selectors import (
    memberships_of,
    projects_for,
    role_in,
    roles_of,
)
from claims.kinds import all_kinds
from claims.models import TagStatus
from claims.selectors import (
    documents_with_tag_counts_for,
    paragraph_counts,
    progress_by_document,
    status_counts_by_document,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """List the user's projects with their documents and tag counts per kind."""
    roles = roles_of(request.user)
    projects = list(Project.objects.filter(pk__in=roles.keys()).order_by("name"))
    documents = documents_with_tag_counts_for(acting_user(request)).order_by("project_id", "id")
    by_project: dict[int, list] = {p.pk: [] for p in projects}
    statuses = status_counts_by_document(d.pk for d in documents)
    kinds = range(len(all_kinds()))
    document: Any  # gains status_counts, for the template
    for document in documents:
        document.status_counts = statuses[document.pk]
        document.kind_counts = [getattr(document, f"kind_{i}") for i in kinds]
        by_project[document.project_id].append(document)
    rows = [{"project": p, "role": roles[p.pk], "documents": by_project[p.pk]} for p in projects]
    return render(request, "claims/home.html", {"rows": rows, "new_project_form": ProjectNewForm()})


@login_required
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A project at a glance: its documents with their tags and review progress, its members."""
    user = acting_user(request)
    project = get_object_or_404(projects_for(user), pk=pk)
    role = role_in(user, pk)
    documents = list(documents_with_tag_counts_for(user).filter(project_id=pk).order_by("id"))
    ids = [d.pk for d in documents]
    statuses = status_counts_by_document(ids)
    progress = progress_by_document(pk, ids)
    paragraphs = paragraph_counts(ids)
    kinds = range(len(all_kinds()))
    document: Any  # gains the counts below, for the template
    for document in documents:
        document.status_counts = statuses[document.pk]
        document.kind_counts = [getattr(document, f"kind_{i}") for i in kinds]
        document.people = progress[document.pk]
        document.paragraph_count = paragraphs[document.pk]
        # Reviewed: no longer pending (accepted, disputed or rejected).
        reviewed = document.tag_count - document.status_counts[TagStatus.PENDING]
        document.reviewed_percent = (
            round(100 * reviewed / document.tag_count) if document.tag_count else None
        )
    return render(
        request,
        "claims/project.html",
        {
            "project": project,
            "role": role,
            "is_owner": role == Role.OWNER,
            "can_import": role in CURATING_ROLES,
            "documents": documents,
            "members": memberships_of(project),
        },
    )
