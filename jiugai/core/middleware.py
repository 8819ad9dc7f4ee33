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


class ChineseFirstMiddleware:
    """Pages are Chinese unless the user chose otherwise: the browser's Accept-Language is not consulted.

    Government offices share machines with English-language browsers; the pages' language is
    zh-hans (LANGUAGE_CODE) and changes only through the language switch (its cookie). API clients
    still choose their messages' language with Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
