"""Account pages: the jurisdiction picker (login and password pages are Django's own)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiugai.core.permissions import can

from .middleware import SESSION_KEY
from .selectors import jurisdiction_choices_for


@login_required
@require_POST
def pick_jurisdiction(request: HttpRequest) -> HttpResponse:
    """Narrow the view to one node of the user's own subtree (or clear the choice)."""
    code = request.POST.get("code", "").strip()
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if not code:
        request.session.pop(SESSION_KEY, None)
    elif (
        can(request.user, "accounts.pick_jurisdiction")
        and jurisdiction_choices_for(request.user).filter(code=code).exists()
    ):
        request.session[SESSION_KEY] = code
    else:
        messages.error(request, _("You cannot pick that jurisdiction."))
    return HttpResponseRedirect(target)
