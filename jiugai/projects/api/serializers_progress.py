"""Progress API serializers: what the API reads (ledger rows, reports with their lines and photos, digests) and
the input it accepts (quantities as text, parsed and checked by the services)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import Stage
from ..models import ProgressPhoto, WeeklyDigest, WeeklyReport


class OverdueFlagSerializer(serializers.Serializer[Any]):
    """A missed deadline."""

    code = serializers.CharField()
    message = serializers.CharField()
    due = serializers.DateField()


class LedgerRowSerializer(serializers.Serializer[Any]):
    """One line of the ledger (台账): registration and close-out, stage, percent complete, last report, overdue."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    street = serializers.CharField()
    street_code = serializers.CharField()
    estate = serializers.CharField()
    estate_code = serializers.CharField()
    year = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_label = serializers.CharField()
    registered_on = serializers.DateField()
    started_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    handed_over_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    percent_complete = serializers.DecimalField(max_digits=5, decimal_places=2)
    last_report_on = serializers.DateField(allow_null=True)
    overdue = OverdueFlagSerializer(many=True)


class ReportLineOutSerializer(serializers.Serializer[Any]):
    """A BoQ line of a report: the quantity done that week and to date."""

    line = serializers.IntegerField(source="line.key")
    code = serializers.CharField(source="line.code")
    name = serializers.CharField(source="line.name")
    unit = serializers.CharField(source="line.unit")
    quantity = serializers.DecimalField(source="line.quantity", max_digits=16, decimal_places=2)
    this_week = serializers.DecimalField(max_digits=16, decimal_places=2)
    done_to_date = serializers.DecimalField(source="line.done", max_digits=16, decimal_places=2)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class PhotoSerializer(serializers.ModelSerializer[ProgressPhoto]):
    """A site photo with when and where it was taken."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressPhoto
        fields = ["id", "url", "taken_at", "place", "latitude", "longitude", "caption"]

    def get_url(self, photo: ProgressPhoto) -> str:
        return str(photo.image.url)


class ReportSerializer(serializers.ModelSerializer[WeeklyReport]):
    """A weekly report; the percent complete is computed from its quantities."""

    project = serializers.IntegerField(source="project_id", read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True, default=None)

    class Meta:
        model = WeeklyReport
        fields = [
            "id",
            "project",
            "project_code",
            "week_ending",
            "percent_complete",
            "summary",
            "problems",
            "next_week",
            "submitted_by",
            "created_at",
        ]


class ReportDetailSerializer(ReportSerializer):
    """A weekly report with each line and its photos."""

    lines = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "lines", "photos"]

    def get_lines(self, report: WeeklyReport) -> list[dict[str, Any]]:
        from ..selectors.progress import report_lines

        return list(ReportLineOutSerializer(report_lines(report=report), many=True).data)


class ReportCreateSerializer(serializers.Serializer[Any]):
    """A weekly report to file: `lines` maps BoQ line id → quantity done this week (text, e.g. "12.50")."""

    week_ending = serializers.DateField(help_text=_("The report day that ends the week (Jiyuan: a Friday)"))
    lines = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text=_("BoQ line id → quantity"),
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    next_week = serializers.CharField(required=False, allow_blank=True, default="")


class PhotoCreateSerializer(serializers.Serializer[Any]):
    """A site photo to upload (JPEG, PNG or WebP, at most 10 MB)."""

    image = serializers.FileField()
    taken_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lat = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    lon = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DigestSerializer(serializers.ModelSerializer[WeeklyDigest]):
    """A weekly digest without its figures (the list)."""

    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = WeeklyDigest
        fields = ["id", "jurisdiction", "jurisdiction_name", "week_ending", "build_seconds", "updated_at"]


class DigestDetailSerializer(DigestSerializer):
    """A weekly digest with every figure."""

    class Meta(DigestSerializer.Meta):
        fields = [*DigestSerializer.Meta.fields, "data"]


class DigestBuildSerializer(serializers.Serializer[Any]):
    """Build a digest now."""

    jurisdiction = serializers.CharField(help_text=_("Jurisdiction code"))
    week_ending = serializers.DateField(required=False, allow_null=True, default=None)
