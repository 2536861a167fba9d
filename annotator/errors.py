"""Error responses outside DRF's views: JSON under /api/, Django's own pages elsewhere.

DRF answers the errors its views raise (see ``annotator.exceptions``), but a URL that
matches no route (``/api/tags/1.5/``) or a request Django refuses before any view runs
(too many form fields, say) would get an HTML page. An API client reads ``detail`` instead.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        # The exception text may come from the request itself; a fixed message leaks nothing.
        return JsonResponse(
            {"detail": "The request could not be read (malformed, or too many fields or files)."},
            status=400,
        )
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": "No such API URL; see /api/docs/ for the operations there are."},
            status=404,
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return defaults.server_error(request)
