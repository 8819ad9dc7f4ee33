"""Navigation ordered by the renovation lifecycle, and the active jurisdiction."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, lifecycle stage). Later apps add their entries here in lifecycle order.
NAVIGATION: list[tuple[str, Any]] = [
    ("dashboards:home", _("Overview")),
    ("inventory:estate_list", _("Survey: estates")),
    ("consultation:campaign_list", _("Consultation")),
    ("planning:plan_list", _("Planning")),
    ("funding:dashboard", _("Funding")),
    ("projects:list", _("Projects")),
    ("policy:effective", _("Policy")),
    ("core:audit_log", _("Audit log")),
    ("api-docs", _("API")),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    items = []
    for name, label in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    user = getattr(request, "user", None)
    active = getattr(user, "active_jurisdiction", None) if user is not None else None
    choices = []
    if user is not None and user.is_authenticated:
        from jiugai.accounts.selectors import jurisdiction_choices_for
        from jiugai.core.permissions import can

        if can(user, "accounts.pick_jurisdiction"):
            base_depth = (user.scope_path() or "/").count("/")
            for node in jurisdiction_choices_for(user).only("code", "name", "path")[:500]:
                node.indent = "\u3000" * max(0, node.path.count("/") - base_depth - 1)  # type: ignore[attr-defined]
                choices.append(node)
    return {"nav_items": items, "active_jurisdiction": active, "jurisdiction_choices": choices}
