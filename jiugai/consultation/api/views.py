"""Consultation API: campaigns (scoped CRUD, open, close and decide, tally), staff ballot entry, and the
public cast endpoint reached with a ballot link's token."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from jiugai.consultation import selectors, services
from jiugai.consultation.models import Campaign
from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require
from jiugai.core.scoping import get_visible_or_404
from jiugai.inventory.models import Building, Estate, Household

from .serializers import (
    BallotEntrySerializer,
    BallotSerializer,
    CampaignCreateSerializer,
    CampaignSerializer,
    CampaignUpdateSerializer,
    PublicCastSerializer,
    TallySerializer,
)


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "This consultation has closed."
    default_code = "closed"


@extend_schema_view(
    list=extend_schema(summary="Consultation campaigns the caller may see"),
    retrieve=extend_schema(summary="One campaign"),
    create=extend_schema(summary="Create a draft campaign", request=CampaignCreateSerializer),
    partial_update=extend_schema(summary="Change a draft campaign", request=CampaignUpdateSerializer),
    destroy=extend_schema(summary="Delete a draft campaign"),
)
class CampaignViewSet(
    ApiDefaults,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CampaignSerializer
    search_fields: list[str] = []
    ordering_fields = ["opens_at", "closes_at", "title"]
    filterset_fields = ["status", "estate", "matter", "rule"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(request.user, "consultation.view_campaign")

    def get_queryset(self) -> Any:
        return selectors.campaign_list(user=self.request.user)

    def create(self, request: Request) -> Response:
        body = CampaignCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        estate = get_visible_or_404(request.user, Estate.objects.all(), pk=data.pop("estate"))
        building_id = data.pop("building", None)
        building = (
            get_visible_or_404(request.user, Building.objects.filter(estate=estate), pk=building_id)
            if building_id
            else None
        )
        campaign = services.campaign_create(actor=request.user, estate=estate, building=building, **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        body = CampaignUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        campaign = services.campaign_update(actor=request.user, campaign=self.get_object(), **body.validated_data)
        return Response(CampaignSerializer(campaign).data)

    def destroy(self, request: Request, pk: Any = None) -> Response:
        services.campaign_delete(actor=request.user, campaign=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Open a draft campaign for voting", request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: Any = None) -> Response:
        campaign = services.campaign_open(actor=request.user, campaign=self.get_object())
        return Response(CampaignSerializer(Campaign.objects.get(pk=campaign.pk)).data)

    @extend_schema(summary="Close the campaign and decide it with its rule", request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        campaign = services.campaign_close_and_decide(actor=request.user, campaign=self.get_object())
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(summary="The live tally (counters; never a scan of ballots)", responses=TallySerializer)
    @action(detail=True, methods=["get"])
    def tally(self, request: Request, pk: Any = None) -> Response:
        tally = selectors.tally_get(campaign=self.get_object())
        if tally is None:
            raise exceptions.NotFound(_("Counting starts when the campaign opens."))
        return Response(TallySerializer(selectors.tally_summary(tally=tally)).data)


@extend_schema_view(
    list=extend_schema(summary="Ballots of campaigns the caller may see (owner names masked)"),
    create=extend_schema(summary="Enter a paper ballot or a meeting vote", request=BallotEntrySerializer),
)
class BallotViewSet(ApiDefaults, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = BallotSerializer
    search_fields: list[str] = []
    ordering_fields = ["cast_at"]
    filterset_fields = ["campaign", "answer", "channel"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(request.user, "consultation.view_progress")

    def get_queryset(self) -> Any:
        return selectors.ballot_list(user=self.request.user).order_by("campaign", "household")

    def create(self, request: Request) -> Response:
        body = BallotEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        campaign = selectors.campaign_get(user=request.user, pk=data["campaign"])
        household = get_visible_or_404(request.user, Household.objects.all(), pk=data["household"])
        ballot = services.ballot_enter(
            actor=request.user,
            campaign=campaign,
            household=household,
            answer=data["answer"],
            channel=data["channel"],
            answers=data.get("answers"),
            attachment=data.get("attachment"),
        )
        return Response(BallotSerializer(ballot).data, status=status.HTTP_201_CREATED)


class PublicCastView(APIView):
    """Cast or change a ballot with a link's token; no account. Failures are counted and rate-limited."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"

    @extend_schema(
        summary="Cast or change a ballot through a ballot link", request=PublicCastSerializer, responses=None
    )
    def post(self, request: Request) -> Response:
        client = str(request.META.get("REMOTE_ADDR", "unknown"))
        if selectors.token_rate_limited(client=client):
            raise exceptions.Throttled(wait=selectors.TOKEN_FAILURE_WINDOW_S)
        body = PublicCastSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        token = selectors.token_find(raw_token=data["token"])
        if token is None:
            services.token_failure_record(client=client, reason="unknown_token")
            raise exceptions.NotFound(_("This ballot link is not valid."))
        mode = selectors.verification_mode(campaign=token.campaign)
        if not selectors.token_verify(token=token, mode=mode, short_code=data["short_code"], secret=data["secret"]):
            services.token_failure_record(client=client, reason="verification_failed")
            raise exceptions.PermissionDenied(_("The code or the digits do not match."))
        try:
            ballot = services.ballot_cast_online(token=token, answer=data["answer"], answers=data.get("answers"))
        except services.TokenInvalid as exc:
            raise exceptions.NotFound(_("This ballot link is not valid.")) from exc
        except services.TokenExpired as exc:
            raise Gone(_("This consultation has closed; ballots can no longer be cast or changed.")) from exc
        except DjangoValidationError as exc:
            if getattr(exc, "code", None) == "closed":
                raise Gone(_("This consultation has closed; ballots can no longer be cast or changed.")) from exc
            raise
        return Response(
            {"answer": ballot.answer, "answers": ballot.answers, "version": ballot.version, "cast_at": ballot.cast_at}
        )
