from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jiugai.accounts.models import Jurisdiction, User


class JurisdictionSerializer(serializers.ModelSerializer):
    parent: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Jurisdiction
        fields = ["code", "name", "level", "level_display", "parent", "path"]


class JurisdictionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Jurisdiction
        fields = ["code", "name", "level"]


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    jurisdiction = JurisdictionBriefSerializer(read_only=True)
    is_platform_admin = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "role",
            "role_display",
            "jurisdiction",
            "organisation",
            "department_type",
            "utility_type",
            "is_platform_admin",
        ]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
