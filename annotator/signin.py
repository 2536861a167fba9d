"""The sign-in form, closed for a while after repeated failures for one username and address."""

import math
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from annotator.throttling import client_address, client_key, count_hit, forget, hits


def _failures_key(request: HttpRequest) -> str:
    username = request.POST.get("username", "").strip().casefold()
    return client_key("signin-failures", client_address(request), username)


class SignInView(auth_views.LoginView):
    """Django's LoginView; after ``SIGNIN_MAX_FAILURES`` failed attempts for one username from
    one address within ``SIGNIN_FAILURE_WINDOW`` seconds it answers 429 until the window ends,
    without checking the password. Keyed on both, so nobody can lock someone else out from
    another address. A successful sign-in clears the count.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        failures, left = hits(_failures_key(request), settings.SIGNIN_FAILURE_WINDOW)
        if failures >= settings.SIGNIN_MAX_FAILURES:
            return self.locked(request, left)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        count_hit(_failures_key(self.request), settings.SIGNIN_FAILURE_WINDOW)
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        forget(_failures_key(self.request), settings.SIGNIN_FAILURE_WINDOW)
        return super().form_valid(form)

    def locked(self, request: HttpRequest, left: float) -> HttpResponse:
        minutes = max(1, math.ceil(left / 60))
        message = (
            f"Too many failed sign-ins for this username from your address. Try again in "
            f"{minutes} minute{'s' if minutes != 1 else ''}, or ask an owner to reset your "
            "password."
        )
        response = TemplateResponse(
            request,
            "registration/login_throttled.html",
            {"message": message, "next": request.POST.get("next", "")},
            status=429,
        )
        response["Retry-After"] = str(math.ceil(left))
        return response
