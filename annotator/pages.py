"""The project administration pages: a new project, its members and its settings.

Each page reads through the selectors and writes through the services; the services check
roles and validate, and their messages are shown to the person as they are.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from annotator import services
from annotator.forms import ProjectDeleteForm, ProjectNewForm, ProjectSettingsForm
from annotator.models import InvitationState, Project, Role
from annotator.permissions import acting_user
from annotator.selectors import invitations_of, memberships_of, projects_for, role_in


def _show_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors on the form's fields, or above the form for other fields."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)


def _errors_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _project_for(request: HttpRequest, pk: int) -> Project:
    """The project if the user is a member of it; otherwise 404, so outsiders learn nothing."""
    return get_object_or_404(projects_for(acting_user(request)), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    """Create a project; its creator becomes its owner."""
    form = ProjectNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Project {project.name} created; you are its owner.")
            return redirect(reverse("project", args=[project.pk]))
    status = 400 if form.errors else 200
    return render(request, "annotator/project_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def members_page(request: HttpRequest, pk: int) -> HttpResponse:
    """List the members; owners add members and change roles, and anyone may leave."""
    project = _project_for(request, pk)
    if request.method == "POST":
        if request.POST.get("action") in {"invite", "revoke"}:
            return _invitations_change(request, project)
        return _members_change(request, project)
    return _members_view(request, project)


def _members_view(request: HttpRequest, project: Project, new_link: str = "") -> HttpResponse:
    """The members page; ``new_link`` is an invitation link just made, shown this once."""
    is_owner = role_in(acting_user(request), project.pk) == Role.OWNER
    invitations = list(invitations_of(project)) if is_owner else []
    for invitation in invitations:
        invitation.state_now = invitation.state()  # type: ignore[attr-defined]  # for the template
    return render(
        request,
        "annotator/members.html",
        {
            "project": project,
            "members": memberships_of(project),
            "is_owner": is_owner,
            "roles": Role.choices,
            "invitations": invitations,
            "new_link": new_link,
            "live": InvitationState.LIVE,
        },
    )


def _invitations_change(request: HttpRequest, project: Project) -> HttpResponse:
    """Make an invitation link (shown on the answer itself: only its digest is kept) or revoke
    one; owners only, as the services check."""
    user = acting_user(request)
    back = redirect(reverse("project-members-page", args=[project.pk]))
    try:
        if request.POST.get("action") == "revoke":
            invitation = get_object_or_404(
                invitations_of(project), pk=_whole_number(request.POST.get("invitation"))
            )
            services.invitation_revoke(actor=user, invitation=invitation)
            messages.success(request, "The invitation link is revoked: it no longer works.")
            return back
        made = services.invitation_create(
            actor=user,
            project=project,
            role=request.POST.get("role", ""),
            uses=_whole_number(request.POST.get("uses"), field="uses"),
            expires_in_days=_whole_number(request.POST.get("expires_in_days"), field="days"),
        )
    except ValidationError as error:
        messages.error(request, _errors_text(error))
        return back
    link = request.build_absolute_uri(reverse("join", args=[made.token]))
    return _members_view(request, project, new_link=link)


def _whole_number(value: str | None, *, field: str = "invitation") -> int:
    try:
        return int(value or "")
    except ValueError:
        raise ValidationError({field: f"{field.capitalize()}: give a whole number."}) from None


def _members_change(request: HttpRequest, project: Project) -> HttpResponse:
    user = acting_user(request)
    action = request.POST.get("action", "")
    username = request.POST.get("username", "").strip()
    role = request.POST.get("role", "")
    back = redirect(reverse("project-members-page", args=[project.pk]))
    try:
        if action in {"add", "role"}:
            services.membership_set(actor=user, project=project, username=username, role=role)
        elif action == "remove":
            services.membership_remove(actor=user, project=project, username=username)
        else:
            messages.error(request, "That form sent no known action; reload the page.")
            return back
    except ValidationError as error:
        messages.error(request, _errors_text(error))
        return back
    if action == "remove" and username == user.get_username():
        messages.success(request, f"You left {project.name}.")
        return redirect(reverse("home"))
    done = {
        "add": f"{username} is now a member ({role}).",
        "role": f"{username} is now {role}.",
        "remove": f"{username} is no longer a member.",
    }
    messages.success(request, done[action])
    return back


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a project's name, description, review thresholds and blind first pass, or
    delete it (owners)."""
    project = _project_for(request, pk)
    user = acting_user(request)
    services.require_role(user, project, frozenset({Role.OWNER}))
    if request.method == "POST" and request.POST.get("action") == "delete":
        return _project_delete(request, project)
    form = ProjectSettingsForm(request.POST or None, initial=_settings_of(project))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=user, project=project, **form.cleaned_data)
        except ValidationError as error:
            project.refresh_from_db()
            _show_errors(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect(reverse("project-settings-page", args=[project.pk]))
    return _settings_view(request, project, form, ProjectDeleteForm())


def _settings_of(project: Project) -> dict[str, object]:
    return {field: getattr(project, field) for field in ProjectSettingsForm.base_fields}


def _settings_view(
    request: HttpRequest,
    project: Project,
    form: ProjectSettingsForm,
    delete_form: ProjectDeleteForm,
) -> HttpResponse:
    status = 400 if form.errors or delete_form.errors else 200
    return render(
        request,
        "annotator/settings.html",
        {"project": project, "form": form, "delete_form": delete_form},
        status=status,
    )


def _project_delete(request: HttpRequest, project: Project) -> HttpResponse:
    """Delete the project once its name is typed; it can be restored from the command line."""
    delete_form = ProjectDeleteForm(request.POST)
    if delete_form.is_valid():
        try:
            services.project_delete(
                actor=acting_user(request),
                project=project,
                confirmation=delete_form.cleaned_data["confirmation"],
            )
        except ValidationError as error:
            _show_errors(delete_form, error)
        else:
            messages.success(
                request,
                f"Project {project.name} deleted. An administrator can restore it with "
                f"manage.py restore_project {project.slug}.",
            )
            return redirect(reverse("home"))
    form = ProjectSettingsForm(initial=_settings_of(project))
    return _settings_view(request, project, form, delete_form)
