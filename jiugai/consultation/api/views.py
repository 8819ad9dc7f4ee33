"""Consultation API: campaigns (scoped CRUD, open, close and decide, tally), staff ballot entry, the
public cast endpoint reached with a ballot link's token; public notices with comments, responses and their
gate; drafts for public comment; opinions, the keyword dictionary and the demand summary."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from jiugai.accounts.models import Jurisdiction
from jiugai.consultation import selectors, services
from jiugai.consultation.models import Campaign
from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require
from jiugai.core.scoping import get_visible_or_404
from jiugai.inventory.models import Building, Estate, Household

from .serializers import (
    AdoptionSerializer,
    BallotEntrySerializer,
    BallotSerializer,
    CampaignCreateSerializer,
    CampaignSerializer,
    CampaignUpdateSerializer,
    DraftCommentEntrySerializer,
    DraftCommentSerializer,
    DraftCreateSerializer,
    DraftSerializer,
    DraftSummarySerializer,
    GateSerializer,
    NoticeCommentEntrySerializer,
    NoticeCommentSerializer,
    NoticeCreateSerializer,
    NoticeSerializer,
    OpinionEntrySerializer,
    OpinionKeywordSerializer,
    OpinionSerializer,
    PublicCastSerializer,
    ResponseSerializer,
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


# --- public notices ----------------------------------------------------------------------------------


def _object_for(user: Any, object_type: str, object_id: str) -> Model | None:
    """The object a notice is about, from "app_label.model" and its id; scoped models must be visible."""
    if not object_type:
        return None
    app_label, _sep, model = object_type.partition(".")
    try:
        content_type = ContentType.objects.get(app_label=app_label, model=model.lower())
    except ContentType.DoesNotExist as exc:
        raise exceptions.ValidationError({"object_type": _("Unknown object type.")}) from exc
    model_class = content_type.model_class()
    if model_class is None:
        raise exceptions.ValidationError({"object_type": _("Unknown object type.")})
    queryset = model_class._default_manager.all()
    if getattr(model_class, "scope_field", None) is not None:
        return get_visible_or_404(user, queryset, pk=object_id)
    found = queryset.filter(pk=object_id).first() if object_id else None
    if found is None:
        raise exceptions.NotFound(_("The object does not exist."))
    return found


@extend_schema_view(
    list=extend_schema(summary="Public notices (公示) the caller may see"),
    retrieve=extend_schema(summary="One public notice"),
    create=extend_schema(summary="Draft a public notice on any object", request=NoticeCreateSerializer),
)
class NoticeViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NoticeSerializer
    search_fields: list[str] = []
    ordering_fields = ["published_at", "closes_at", "title"]
    filterset_fields = ["status", "estate", "subject", "jurisdiction"]
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(request.user, "consultation.view_notice")

    def get_queryset(self) -> Any:
        return selectors.notice_list(user=self.request.user)

    def create(self, request: Request) -> Response:
        body = NoticeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        jurisdiction = get_visible_or_404(request.user, Jurisdiction.objects.all(), pk=data.pop("jurisdiction"))
        estate_id = data.pop("estate", None)
        estate = get_visible_or_404(request.user, Estate.objects.all(), pk=estate_id) if estate_id else None
        subject_object = _object_for(request.user, data.pop("object_type", ""), data.pop("object_id", ""))
        notice = services.notice_create(
            actor=request.user, jurisdiction=jurisdiction, estate=estate, subject_object=subject_object, **data
        )
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Publish the notice; its window starts now", request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        notice = services.notice_publish(actor=request.user, notice=self.get_object())
        return Response(NoticeSerializer(notice).data)

    @extend_schema(
        methods=["get"], summary="Comments and objections on the notice", responses=NoticeCommentSerializer(many=True)
    )
    @extend_schema(
        methods=["post"],
        summary="Record a letter, e-mail or visit",
        request=NoticeCommentEntrySerializer,
        responses=NoticeCommentSerializer,
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk: Any = None) -> Response:
        notice = self.get_object()
        if request.method == "GET":
            return Response(NoticeCommentSerializer(selectors.notice_comments(notice=notice), many=True).data)
        body = NoticeCommentEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = services.notice_comment_submit(actor=request.user, notice=notice, **body.validated_data)
        return Response(NoticeCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Record the response to a comment or objection", request=ResponseSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: Any = None) -> Response:
        notice = self.get_object()
        body = ResponseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = get_object_or_404(selectors.notice_comments(notice=notice), pk=body.validated_data["comment"])
        comment = services.notice_comment_respond(
            actor=request.user, comment=comment, response=body.validated_data["response"]
        )
        return Response(NoticeCommentSerializer(comment).data)

    @extend_schema(summary="What still stops the next step (window, unanswered objections)", responses=GateSerializer)
    @action(detail=True, methods=["get"])
    def gate(self, request: Request, pk: Any = None) -> Response:
        unmet = selectors.notice_gate(self.get_object())
        return Response({"open": not unmet, "unmet": unmet})


# --- drafts for public comment -------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Drafts put to public comment that the caller may see"),
    retrieve=extend_schema(summary="One draft with its sections"),
    create=extend_schema(summary="Prepare a draft with sections, window and channels", request=DraftCreateSerializer),
)
class DraftViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DraftSerializer
    search_fields: list[str] = []
    ordering_fields = ["opens_at", "closes_at", "title"]
    filterset_fields = ["status", "jurisdiction"]
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(request.user, "consultation.view_draft")

    def get_queryset(self) -> Any:
        return selectors.draft_list(user=self.request.user).prefetch_related("sections")

    def create(self, request: Request) -> Response:
        body = DraftCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        jurisdiction = get_visible_or_404(request.user, Jurisdiction.objects.all(), pk=data.pop("jurisdiction"))
        sections = [(s["heading"], s["body"]) for s in data.pop("sections")]
        draft = services.draft_create(actor=request.user, jurisdiction=jurisdiction, sections=sections, **data)
        return Response(DraftSerializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Publish the draft for comment", request=None, responses=DraftSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: Any = None) -> Response:
        draft = services.draft_open(actor=request.user, draft=self.get_object())
        return Response(DraftSerializer(draft).data)

    @extend_schema(methods=["get"], summary="Comments on the draft", responses=DraftCommentSerializer(many=True))
    @extend_schema(
        methods=["post"],
        summary="Record an e-mail or letter",
        request=DraftCommentEntrySerializer,
        responses=DraftCommentSerializer,
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk: Any = None) -> Response:
        draft = self.get_object()
        if request.method == "GET":
            return Response(DraftCommentSerializer(selectors.draft_comments(draft=draft), many=True).data)
        body = DraftCommentEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        section_id = data.pop("section", None)
        section = get_object_or_404(draft.sections.all(), pk=section_id) if section_id else None
        comment = services.draft_comment_submit(actor=request.user, draft=draft, section=section, **data)
        return Response(DraftCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Record what became of a comment", request=AdoptionSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: Any = None) -> Response:
        draft = self.get_object()
        body = AdoptionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = get_object_or_404(selectors.draft_comments(draft=draft), pk=body.validated_data["comment"])
        comment = services.draft_comment_respond(
            actor=request.user,
            comment=comment,
            adoption=body.validated_data["adoption"],
            response=body.validated_data["response"],
        )
        return Response(DraftCommentSerializer(comment).data)

    @extend_schema(
        summary="Publish the summary of responses (after the window closes)",
        request=DraftSummarySerializer,
        responses=DraftSerializer,
    )
    @action(detail=True, methods=["post"])
    def summary(self, request: Request, pk: Any = None) -> Response:
        body = DraftSummarySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        draft = services.draft_summary_publish(
            actor=request.user, draft=self.get_object(), summary=body.validated_data["summary"]
        )
        return Response(DraftSerializer(draft).data)


# --- opinions ----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Residents' opinions the caller may see, with their catalogue items"),
    create=extend_schema(
        summary="Record an opinion heard at a meeting, in a WeChat group or on a visit", request=OpinionEntrySerializer
    ),
)
class OpinionViewSet(ApiDefaults, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = OpinionSerializer
    search_fields: list[str] = []
    ordering_fields = ["heard_on"]
    filterset_fields = ["estate", "channel"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(request.user, "consultation.view_opinions")

    def get_queryset(self) -> Any:
        return selectors.opinion_list(user=self.request.user).order_by("-heard_on", "-id")

    def create(self, request: Request) -> Response:
        body = OpinionEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        estate = get_visible_or_404(request.user, Estate.objects.all(), pk=data.pop("estate"))
        opinion = services.opinion_submit(actor=request.user, estate=estate, **data)
        return Response(OpinionSerializer(opinion).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Demand summary: opinions per catalogue item per estate or area",
        parameters=[OpenApiParameter("by", str, enum=["estate", "area"])],
        responses=None,
    )
    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        by = "area" if request.query_params.get("by") == "area" else "estate"
        return Response(selectors.demand_summary(opinions=selectors.opinion_list(user=request.user), by=by))


@extend_schema_view(
    list=extend_schema(summary="The opinion keyword dictionary"),
    create=extend_schema(summary="Add a keyword to the dictionary"),
)
class OpinionKeywordViewSet(ApiDefaults, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = OpinionKeywordSerializer
    search_fields: list[str] = []
    ordering_fields = ["keyword", "item"]
    filterset_fields = ["item"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(request.user, "consultation.view_opinions")

    def get_queryset(self) -> Any:
        return selectors.keyword_list()

    def create(self, request: Request) -> Response:
        body = OpinionKeywordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        keyword = services.opinion_keyword_add(
            actor=request.user, keyword=body.validated_data["keyword"], item=body.validated_data["item"]
        )
        return Response(OpinionKeywordSerializer(keyword).data, status=status.HTTP_201_CREATED)
