"""The pages for joining: a project by invitation, and signing up (when it is open)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from annotator import selectors, services
from annotator.models import Invitation, InvitationState
from annotator.permissions import acting_user
from annotator.services import InvitationGone, InvitationUnknown


def _dead_link(request: HttpRequest, problem: InvitationGone | InvitationUnknown) -> HttpResponse:
    """Say why the link does not work: 404 for one nobody made, 410 for one that ended."""
    state = problem.state if isinstance(problem, InvitationGone) else None
    return render(
        request,
        "annotator/invitation_dead.html",
        {"message": str(problem), "state": state},
        status=410 if state is not None else 404,
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation and join its project: with a button when signed in, else by making
    an account here (or signing in and coming back)."""
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        return _dead_link(request, InvitationUnknown())
    context = {"invitation": invitation, "project": invitation.project}
    if request.user.is_authenticated:
        role = selectors.role_in(request.user, invitation.project_id)
        if role is not None:  # nothing to accept; a member's role never changes here
            return render(request, "annotator/join.html", {**context, "member_role": role})
    state = invitation.state()
    if state != InvitationState.LIVE:
        return _dead_link(request, InvitationGone(state))
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept(user=acting_user(request), token=token)
            except (InvitationGone, InvitationUnknown) as problem:  # ended since the page showed
                return _dead_link(request, problem)
            return _joined(request, invitation)
        return render(request, "annotator/join.html", context)
    form: UserCreationForm[User] = UserCreationForm(
        request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            # The account exists only if joining worked: nobody is left with an account made
            # for a project they could not join.
            with transaction.atomic():
                user = form.save()
                services.invitation_accept(user=user, token=token)
        except (InvitationGone, InvitationUnknown) as problem:
            return _dead_link(request, problem)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _joined(request, invitation)
    return render(request, "annotator/join.html", {**context, "form": form})


def _joined(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """Land the new member on the project's page, saying what they joined as."""
    role = invitation.get_role_display().lower()
    messages.success(request, f"You joined {invitation.project.name} as {role}.")
    return redirect("project", invitation.project_id)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Make an account without an invitation, when the server allows it (DJANGO_OPEN_SIGNUP)."""
    if not settings.OPEN_SIGNUP:
        raise Http404("Accounts are made by invitation here.")
    if request.user.is_authenticated:
        return redirect("home")
    form: UserCreationForm[User] = UserCreationForm(
        request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "annotator/signup.html", {"form": form})
