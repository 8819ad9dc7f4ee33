from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from rest_framework import serializers

from jiugai.accounts.models import Jurisdiction
from jiugai.policy.forms import parameter_error_message
from jiugai.policy.models import PolicyProfile, PolicyValue
from jiugai.rules.params import ParameterError, canonical, spec_for


class SourceSerializer(serializers.Serializer):
    title = serializers.CharField()
    reference = serializers.CharField()
    url = serializers.CharField()


class EffectiveValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    group = serializers.CharField()
    kind = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.JSONField(help_text='Exact text: fractions as "p/q", decimals and dates as strings')
    jurisdiction_code = serializers.CharField(help_text="The jurisdiction whose profile sets this value")
    jurisdiction_name = serializers.CharField()
    version = serializers.IntegerField()
    effective_from = serializers.DateField()
    source = SourceSerializer()  # type: ignore[assignment]


class EffectivePolicySerializer(serializers.Serializer):
    jurisdiction = serializers.DictField(child=serializers.CharField())
    date = serializers.DateField()
    values = EffectiveValueSerializer(many=True)


class PolicyValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyValue
        fields = ["key", "value", "source_title", "source_reference", "source_url"]


class PolicyProfileSerializer(serializers.ModelSerializer):
    jurisdiction: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    values = PolicyValueSerializer(many=True, read_only=True)

    class Meta:
        model = PolicyProfile
        fields = [
            "id",
            "jurisdiction",
            "jurisdiction_name",
            "version",
            "effective_from",
            "title",
            "note",
            "created_by",
            "created_at",
            "values",
        ]


class PolicyProfileCreateSerializer(serializers.Serializer):
    """A new version: changed values (raw, or with their source), keys to drop; the rest is inherited."""

    jurisdiction: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", queryset=Jurisdiction.objects.all()
    )
    effective_from = serializers.DateField()
    title = serializers.CharField(max_length=200)
    note = serializers.CharField(help_text="Reason for this version")
    values = serializers.DictField(
        child=serializers.JSONField(),
        allow_empty=True,
        help_text='parameter key → value ("2/3", "0.15", true, 36, "2022-03-15") or '
        '{"value": …, "source_title": …, "source_reference": …, "source_url": …}',
    )
    remove_keys = serializers.ListField(child=serializers.CharField(), required=False, default=list)

    def validate_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        cleaned: dict[str, Any] = {}
        url_validator = URLValidator()
        for key, entry in values.items():
            source: dict[str, str] = {}
            raw = entry
            if isinstance(entry, Mapping):
                if "value" not in entry:
                    errors[key] = [_('Give the value as "value".')]
                    continue
                raw = entry["value"]
                source = {
                    name: str(entry.get(name) or "") for name in ("source_title", "source_reference", "source_url")
                }
                if source["source_url"]:
                    try:
                        url_validator(source["source_url"])
                    except DjangoValidationError:
                        errors[key] = [_("The source URL is not a valid URL.")]
                        continue
            spec = None
            try:
                spec = spec_for(key)
                value = canonical(spec, raw)
            except ParameterError as exc:
                errors[key] = [parameter_error_message(exc, spec)]
                continue
            cleaned[key] = {"value": value, **source} if source else value
        if errors:
            raise serializers.ValidationError(errors)
        return cleaned

    def validate_remove_keys(self, keys: list[str]) -> list[str]:
        unknown = [key for key in keys if key not in _catalogue_keys()]
        if unknown:
            raise serializers.ValidationError(_("There is no such parameter: %(keys)s") % {"keys": ", ".join(unknown)})
        return keys

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["values"] and not attrs.get("remove_keys"):
            raise serializers.ValidationError(_("Nothing was changed: edit at least one value."))
        return attrs


def _catalogue_keys() -> set[str]:
    from jiugai.rules.params import SPECS

    return set(SPECS)
