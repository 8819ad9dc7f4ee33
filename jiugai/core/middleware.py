from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .current import _actor


class CurrentUserMiddleware:
    """Makes the request's user the actor of every change recorded during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        token = _actor.set(user if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)
