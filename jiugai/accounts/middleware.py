from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SESSION_KEY = "active_jurisdiction"


class ActiveJurisdictionMiddleware:
    """Applies the jurisdiction picked in the session (users above street level narrow their view)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            code = request.session.get(SESSION_KEY)
            if code:
                from .models import Jurisdiction

                node = Jurisdiction.objects.filter(code=code).first()
                base = user.scope_path()
                if node is not None and (base is None or node.path.startswith(base)):
                    user.active_jurisdiction = node
                    user.active_jurisdiction_path = node.path
                else:
                    request.session.pop(SESSION_KEY, None)
        return self.get_response(request)
