"""Refuse a URL with a NUL character before any view builds a database query from it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

MESSAGE = "The URL holds a NUL character (%00), which no path or parameter of this site takes."


class RefuseNulMiddleware:
    """Answer 400 to a path or query parameter with NUL, which PostgreSQL cannot compare.

    Filters refuse NUL themselves, but views that read a parameter or a path segment (an
    export's ``author=``, a member's username) would hand it to the database, which raises.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
