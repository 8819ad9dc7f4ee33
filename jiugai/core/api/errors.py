"""One error shape for the whole API: {"error": {"code", "message", "fields"}}, messages translated."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CODES: dict[type[Exception], tuple[str, int]] = {
    exceptions.ParseError: ("malformed_request", 400),
    exceptions.AuthenticationFailed: ("authentication_failed", 401),
    exceptions.NotAuthenticated: ("not_authenticated", 401),
    exceptions.PermissionDenied: ("permission_denied", 403),
    exceptions.NotFound: ("not_found", 404),
    exceptions.MethodNotAllowed: ("method_not_allowed", 405),
    exceptions.NotAcceptable: ("not_acceptable", 406),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", 415),
    exceptions.Throttled: ("too_many_requests", 429),
    exceptions.ValidationError: ("invalid", 400),
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [str(item) if not isinstance(item, (dict, list)) else _flatten(item) for item in detail]
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        field_errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("invalid", _("The request contains invalid values."), field_errors), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code, _status = next(
        ((c, s) for cls, (c, s) in CODES.items() if isinstance(exc, cls)), ("error", response.status_code)
    )
    fields: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        message = _("The request contains invalid values.")
    elif isinstance(exc, exceptions.ParseError):
        message = _("The request body could not be parsed: %(detail)s") % {"detail": exc.detail}
    elif isinstance(exc, exceptions.NotFound):
        # A view may say what was not found (e.g. an unknown jurisdiction code); Http404 stays generic.
        detail = str(exc.detail)
        message = _("Not found.") if detail == str(exceptions.NotFound.default_detail) else detail
    elif isinstance(exc, exceptions.NotAuthenticated):
        message = _("Authentication credentials were not provided.")
    elif isinstance(exc, exceptions.AuthenticationFailed):
        message = _("Invalid or expired credentials.")
    elif isinstance(exc, exceptions.PermissionDenied):
        message = (
            str(exc.detail)
            if str(exc.detail) != exceptions.PermissionDenied.default_detail
            else _("You do not have permission to perform this action.")
        )
    elif isinstance(exc, exceptions.Throttled):
        message = _("Too many requests; try again in %(wait)s seconds.") % {
            "wait": int(getattr(exc, "wait", None) or 1)
        }
    elif isinstance(exc, exceptions.MethodNotAllowed):
        message = _("This method is not allowed here.")
    else:
        message = str(getattr(exc, "detail", exc))
    response.data = error_body(code, message, fields)
    return response


def json_error(request: Any, code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code)


def handler404(request: Any, exception: Exception | None = None) -> Any:
    if request.path.startswith("/api/"):
        return json_error(request, "not_found", _("Not found."), status.HTTP_404_NOT_FOUND)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception or Http404())


def handler500(request: Any) -> Any:
    if request.path.startswith("/api/"):
        return json_error(request, "server_error", _("An unexpected error occurred; it has been logged."), 500)
    from django.views.defaults import server_error

    return server_error(request)
