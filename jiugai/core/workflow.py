"""Workflow as data: a status field plus a transition table, checked in one place.

An app's `workflow.py` declares a `Workflow` with its transitions; its service calls
`workflow_transition(...)`, which checks the table, the actor's role and the gate (required
documents or sign-offs), changes the status and writes a `StatusChange` row in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .audit import audit_entry_append
from .models import StatusChange

# A gate returns the list of unmet conditions (translated sentences); empty means open.
Gate = Callable[[Any], list[str]]


@dataclass(frozen=True)
class Transition:
    """One allowed move: source status → target status, who may make it and what must hold first."""

    source: str
    target: str
    roles: frozenset[str]
    gates: tuple[Gate, ...] = ()
    audited: bool = False


@dataclass
class Workflow:
    """A named transition table over one status field."""

    name: str
    status_field: str
    transitions: list[Transition] = field(default_factory=list)

    def add(
        self, source: str, target: str, *, roles: Iterable[str], gates: Iterable[Gate] = (), audited: bool = False
    ) -> Workflow:
        self.transitions.append(Transition(source, target, frozenset(roles), tuple(gates), audited))
        return self

    def find(self, source: str, target: str) -> Transition | None:
        return next((t for t in self.transitions if t.source == source and t.target == target), None)

    def targets_from(self, source: str) -> list[str]:
        return [t.target for t in self.transitions if t.source == source]

    def blockers(self, obj: Any, target: str, actor: Any) -> list[str]:
        """Everything that stops `actor` moving `obj` to `target` now (empty when the move is allowed)."""
        current = getattr(obj, self.status_field)
        transition = self.find(current, target)
        if transition is None:
            return [_("Cannot move from “%(source)s” to “%(target)s”.") % {"source": current, "target": target}]
        is_admin = getattr(actor, "is_platform_admin", False)
        if not is_admin and getattr(actor, "role", None) not in transition.roles:
            return [_("Your role may not make this change.")]
        problems: list[str] = []
        for gate in transition.gates:
            problems.extend(gate(obj))
        return problems


@transaction.atomic
def workflow_transition(
    *, workflow: Workflow, obj: models.Model, target: str, actor: Any, reason: str = ""
) -> StatusChange:
    """Move `obj` to `target` if the table, the actor's role and every gate allow it; record the step."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    current = getattr(locked, workflow.status_field)
    transition = workflow.find(current, target)
    problems = workflow.blockers(locked, target, actor)
    if problems:
        if transition is not None and problems == [_("Your role may not make this change.")]:
            raise PermissionDenied(problems[0])
        raise ValidationError({workflow.status_field: problems})
    setattr(locked, workflow.status_field, target)
    locked.full_clean()
    locked.save()
    setattr(obj, workflow.status_field, target)
    change = StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        workflow=workflow.name,
        from_status=current,
        to_status=target,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )
    if transition is not None and transition.audited:
        audit_entry_append(
            action=f"{workflow.name}.{target}",
            obj=obj,
            actor=actor,
            payload={"from": current, "to": target, "reason": reason},
        )
    return change
