"""Who may read which audit entries and change records, and the audit-log filters."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .forms import BootstrapForm
from .models import AuditEntry, ChangeRecord
from .scoping import get_visible_or_404, scope_path_for

# Roles that read the whole audit log of their own subtree; everyone else sees only what they did.
AUDIT_READER_ROLES = {"platform_admin", "leading_group_office"}

# Published rules: every signed-in user may read their history (as they may read the rules).
PUBLIC_HISTORY_MODELS = {"policy.policyprofile"}


def audit_entries_visible_to(user: Any) -> QuerySet[AuditEntry]:
    """Audit entries within the user's jurisdiction subtree (readers) or their own acts (others)."""
    qs = AuditEntry.objects.select_related("actor")
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_platform_admin or user.role in AUDIT_READER_ROLES:
        path = scope_path_for(user)
        if path is None:
            return qs
        # The jurisdiction model sits in a higher layer; look it up by name rather than import it.
        jurisdiction = apps.get_model("accounts", "Jurisdiction")
        return qs.filter(jurisdiction_code__in=jurisdiction.objects.filter(path__startswith=path).values("code"))
    return qs.filter(actor=user)


def history_model(object_type: str) -> type[models.Model]:
    """'inventory.estate' → the model class; unknown names are 404."""
    app_label, _sep, model_name = object_type.strip().lower().partition(".")
    try:
        return apps.get_model(app_label, model_name)
    except (LookupError, ValueError) as exc:
        raise Http404(object_type) from exc


def visible_object_or_404(user: Any, object_type: str, object_id: str) -> models.Model:
    """The object, if it exists and the user may see it; otherwise 404 (existence does not leak)."""
    model = history_model(object_type)
    label = model._meta.label_lower
    if label in PUBLIC_HISTORY_MODELS:
        try:
            return model._default_manager.get(pk=object_id)
        except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
            raise Http404 from exc
    if getattr(model, "scope_field", None) is None:
        if not getattr(user, "is_platform_admin", False):
            raise Http404
        try:
            return model._default_manager.get(pk=object_id)
        except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
            raise Http404 from exc
    return get_visible_or_404(user, model._default_manager.all(), pk=object_id)


def change_records_for(obj: models.Model) -> QuerySet[ChangeRecord]:
    """The change history of one object, newest first."""
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).select_related("actor")


def audit_entries_for(user: Any, obj: models.Model) -> QuerySet[AuditEntry]:
    return audit_entries_visible_to(user).filter(object_type=obj._meta.label, object_id=str(obj.pk))


class AuditEntryFilter(django_filters.FilterSet):
    """Narrow the audit log by action, jurisdiction, object and time."""

    action = django_filters.CharFilter(field_name="action", lookup_expr="startswith", label=_("Action"))
    jurisdiction = django_filters.CharFilter(field_name="jurisdiction_code", label=_("Jurisdiction code"))
    object_type = django_filters.CharFilter(field_name="object_type", lookup_expr="iexact", label=_("Object type"))
    object_id = django_filters.CharFilter(field_name="object_id", label=_("Object id"))
    since = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("Until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "jurisdiction", "object_type", "object_id", "since", "until"]
        form = BootstrapForm
