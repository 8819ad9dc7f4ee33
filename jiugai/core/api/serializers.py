from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jiugai.core.models import AuditEntry, ChangeRecord


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "seq",
            "at",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "jurisdiction_code",
            "payload",
            "prev_hash",
            "hash",
        ]


class ChangeRecordSerializer(serializers.ModelSerializer):
    actor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ChangeRecord
        fields = ["id", "at", "action", "actor", "object_repr", "changes"]


class ObjectHistorySerializer(serializers.Serializer):
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    object_repr = serializers.CharField()
    changes = ChangeRecordSerializer(many=True)
    audit_entries = AuditEntrySerializer(many=True)
