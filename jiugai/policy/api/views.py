"""Policy API: the rules in force with their sources, and versioned profiles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jiugai.accounts.selectors import jurisdiction_get
from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require
from jiugai.policy.forms import parameter_label
from jiugai.policy.permissions import can_create_profile_for
from jiugai.policy.selectors import effective_policy, profile_list
from jiugai.policy.services import policy_profile_create
from jiugai.rules.decision import to_jsonable
from jiugai.rules.params import CATALOGUE

from .serializers import EffectivePolicySerializer, PolicyProfileCreateSerializer, PolicyProfileSerializer


def _jurisdiction_or_404(code: str) -> Any:
    try:
        return jurisdiction_get(code=code)
    except Http404 as exc:
        raise NotFound(_("There is no jurisdiction with the code %(code)s.") % {"code": code}) from exc


class EffectivePolicyView(ApiDefaults, APIView):
    """Every configured parameter in force for a jurisdiction on a date, with the profile and document behind it."""

    @extend_schema(
        summary="Policy in force for a jurisdiction",
        parameters=[OpenApiParameter("date", dt.date, description="YYYY-MM-DD; today if omitted")],
        responses=EffectivePolicySerializer,
    )
    def get(self, request: Request, code: str) -> Response:
        require(request.user, "policy.view_profile")
        jurisdiction = _jurisdiction_or_404(code)
        text = request.query_params.get("date", "").strip()
        try:
            on = dt.date.fromisoformat(text) if text else timezone.localdate()
        except ValueError as exc:
            raise serializers.ValidationError({"date": [_("Enter a date as YYYY-MM-DD.")]}) from exc
        policy = effective_policy(jurisdiction=jurisdiction, on=on)
        values = []
        for spec in CATALOGUE:
            item = policy.values.get(spec.key)
            if item is None:
                continue
            values.append(
                {
                    "key": spec.key,
                    "label": parameter_label(spec),
                    "group": spec.group,
                    "kind": spec.kind,
                    "unit": spec.unit,
                    "value": to_jsonable(item.value),
                    "jurisdiction_code": item.jurisdiction_code,
                    "jurisdiction_name": item.jurisdiction_name,
                    "version": item.version,
                    "effective_from": item.effective_from,
                    "source": {"title": item.source.title, "reference": item.source.reference, "url": item.source.url},
                }
            )
        data = {
            "jurisdiction": {"code": jurisdiction.code, "name": jurisdiction.name, "level": jurisdiction.level},
            "date": on,
            "values": values,
        }
        return Response(EffectivePolicySerializer(data).data)


@extend_schema_view(
    list=extend_schema(
        summary="Policy profile versions (published rules)",
        parameters=[OpenApiParameter("jurisdiction", str, description="Only this jurisdiction's versions (code)")],
    ),
    retrieve=extend_schema(summary="One policy profile version"),
    create=extend_schema(
        summary="Write the next version of a jurisdiction's profile",
        request=PolicyProfileCreateSerializer,
        responses={201: PolicyProfileSerializer},
    ),
)
class PolicyProfileViewSet(
    ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PolicyProfileSerializer
    search_fields: list[str] = []
    ordering_fields = ["effective_from", "version", "created_at"]

    def get_queryset(self) -> Any:
        qs = profile_list(user=self.request.user).prefetch_related("values")
        code = self.request.query_params.get("jurisdiction")
        if code:
            qs = qs.filter(jurisdiction__code=code)
        return qs

    def get_serializer_class(self) -> Any:
        return PolicyProfileCreateSerializer if self.action == "create" else PolicyProfileSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, "policy.create_profile")
        serializer = PolicyProfileCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        jurisdiction = data["jurisdiction"]
        if not can_create_profile_for(request.user, jurisdiction):
            raise PermissionDenied(_("You may not change the policy profile of this jurisdiction."))
        profile = policy_profile_create(
            jurisdiction=jurisdiction,
            effective_from=data["effective_from"],
            title=data["title"],
            note=data["note"],
            values=data["values"],
            remove_keys=tuple(data.get("remove_keys") or ()),
            actor=request.user,
        )
        return Response(PolicyProfileSerializer(profile).data, status=status.HTTP_201_CREATED)
