"""Rate limits for the API and the sign-in form, counted in the shared cache.

The counters live in Django's default cache (Redis or the database, see ``CACHES`` in the
settings), never in a process, so every app server behind a load balancer counts the same
requests. Each is a fixed-window counter: one small integer per client and window (DRF's own
throttles rewrite a list of every request time in the window on each request), and
``incr`` is atomic on Redis. On the database cache two requests at the same instant may both
read the same count, so a flood can overshoot a limit by the requests that overlap.
"""

import hashlib
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import (
    AnonRateThrottle,
    BaseThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)

if TYPE_CHECKING:
    # Not at runtime: DRF imports this module while rest_framework.views is loading.
    from rest_framework.request import Request
    from rest_framework.views import APIView


def clock() -> float:
    """The time the windows are counted in (tests move it forward)."""
    return time.time()


def _slot(key: str, duration: int, now: float) -> tuple[str, float]:
    """Return the cache key of the window ``now`` falls in, and the seconds left in it."""
    window = int(now // duration)
    return f"{key}:{window}", (window + 1) * duration - now


def count_hit(key: str, duration: int) -> tuple[int, float]:
    """Count one more hit in the current window of ``key``; return the count and seconds left."""
    slot, left = _slot(key, duration, clock())
    try:
        return cache.incr(slot), left
    except ValueError:  # the window's first hit
        if cache.add(slot, 1, timeout=duration + 1):
            return 1, left
        return cache.incr(slot), left


def hits(key: str, duration: int) -> tuple[int, float]:
    """Return the hits counted in the current window of ``key`` and the seconds left in it."""
    slot, left = _slot(key, duration, clock())
    return cache.get(slot, 0), left


def forget(key: str, duration: int) -> None:
    """Clear the current window of ``key``."""
    cache.delete(_slot(key, duration, clock())[0])


def client_key(scope: str, *parts: str) -> str:
    """A short cache key for a client (a hash, so usernames and addresses stay out of it)."""
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "replace")).hexdigest()[:40]
    return f"throttle:{scope}:{digest}"


def client_address(request: HttpRequest) -> str:
    """The client's address as DRF's throttles see it (``NUM_PROXIES`` decides the header)."""
    # get_ident() reads only request.META, which a plain HttpRequest has as well; the stubs
    # ask for DRF's Request.
    return BaseThrottle().get_ident(request) or "unknown"  # type: ignore[arg-type]


class WindowRateMixin:
    """A DRF throttle counted in fixed windows, its rate read from the settings per request."""

    scope: str
    # Set by SimpleRateThrottle.__init__ from the rate.
    rate: str | None
    duration: int
    num_requests: int
    left: float

    if TYPE_CHECKING:

        def get_cache_key(self, request: "Request", view: "APIView") -> str | None: ...

    def get_rate(self) -> str | None:
        # DRF reads the rates once, at import; reading them here lets settings change them.
        # The stubs type the rates as numbers; they are strings such as "100/min".
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[return-value]

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        count, self.left = count_hit(key, self.duration)
        return count <= self.num_requests

    def wait(self) -> float:
        return max(self.left, 1.0)


class AnonThrottle(WindowRateMixin, AnonRateThrottle):
    """Requests of anonymous clients, per address (scope ``anon``)."""

    scope: str  # "anon", from AnonRateThrottle

    def get_cache_key(self, request: "Request", view: "APIView") -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return client_key(self.scope, client_address(request))


class UserThrottle(WindowRateMixin, UserRateThrottle):
    """Requests of a signed-in user, whatever the address (scope ``user``)."""

    scope: str  # "user", from UserRateThrottle

    def get_cache_key(self, request: "Request", view: "APIView") -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # AnonThrottle counts those
        return client_key(self.scope, str(request.user.pk))


class WriteThrottle(UserThrottle):
    """Writes (POST, PATCH, DELETE) of a signed-in user (scope ``writes``)."""

    scope = "writes"

    def get_cache_key(self, request: "Request", view: "APIView") -> str | None:
        if request.method in SAFE_METHODS:
            return None
        return super().get_cache_key(request, view)


class LoginThrottle(WindowRateMixin, SimpleRateThrottle):
    """Attempts to get a token for one username from one address (scope ``login``)."""

    scope = "login"

    def get_cache_key(self, request: "Request", view: "APIView") -> str | None:
        data = request.data
        username = data.get("username") if isinstance(data, Mapping) else None
        username = username.strip().casefold() if isinstance(username, str) else ""
        return client_key(self.scope, client_address(request), username)
