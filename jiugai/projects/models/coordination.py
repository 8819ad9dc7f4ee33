"""Utility coordination: tasks per utility with dates and dependencies, meetings and action items
(Jiyuan 000 and Guyuan 003: coordination groups and schedules; Jincheng: no random excavation after renovation)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.choices import UtilityType
from jiugai.core.models import TimeStampedModel
from jiugai.inventory.models import Estate

from ..choices import TaskStatus
from .project import Project


class UtilityTask(TimeStampedModel):
    """A piece of work a utility (or the main contractor) does on an estate, with dates and a place."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="utility_tasks", verbose_name=_("project")
    )
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="utility_tasks", verbose_name=_("estate"))
    utility = models.CharField(
        _("utility"), max_length=16, choices=UtilityType.choices, blank=True, help_text=_("Empty: the main contractor")
    )
    title = models.CharField(_("work"), max_length=200)
    place = models.CharField(_("place"), max_length=100, help_text=_("Where it digs or works, e.g. 'north road'"))
    excavation = models.BooleanField(_("digs the ground"), default=False)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents", verbose_name=_("after")
    )
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.PLANNED)

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("utility task")
        verbose_name_plural = _("utility tasks")
        ordering = ["estate", "starts_on", "id"]

    def __str__(self) -> str:
        return self.title


class Meeting(TimeStampedModel):
    """A coordination meeting (协调会) of a project with its minutes."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("project"))
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.TextField(_("attendees"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["project", "-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class ActionItem(TimeStampedModel):
    """Something a meeting decided somebody must do by a date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions", verbose_name=_("meeting"))
    text = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("responsible"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    scope_field = "meeting__project__jurisdiction"

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["meeting", "due_on", "id"]

    def __str__(self) -> str:
        return self.text
