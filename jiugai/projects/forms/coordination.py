"""Forms of the coordination pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiugai.accounts.choices import UtilityType
from jiugai.core.forms import BootstrapForm
from jiugai.inventory.models import Estate

from ..choices import TaskStatus
from ..models import Project, UtilityTask
from ..selectors import coordination as selectors

DATE = forms.DateInput(attrs={"type": "date"})


class UtilityTaskForm(BootstrapForm):
    """A work on the estate's shared schedule: who, what, where, when, whether it digs, what it waits for."""

    estate = forms.ModelChoiceField(label=gettext_lazy("Estate"), queryset=Estate.objects.none())
    utility = forms.ChoiceField(label=gettext_lazy("Utility"), required=False)
    title = forms.CharField(label=gettext_lazy("Work"), max_length=200)
    place = forms.CharField(
        label=gettext_lazy("Place"), max_length=100, help_text=gettext_lazy("Where it digs or works, e.g. 'north road'")
    )
    excavation = forms.BooleanField(label=gettext_lazy("Digs the ground"), required=False)
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=DATE)
    depends_on = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Starts after"), queryset=UtilityTask.objects.none(), required=False
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=TaskStatus.choices, initial=TaskStatus.PLANNED)

    def __init__(self, *args: Any, project: Project, task: UtilityTask | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = selectors.estates_of(project=project)  # type: ignore[attr-defined]
        self.fields["utility"].choices = [("", _("Main contractor")), *UtilityType.choices]  # type: ignore[attr-defined]
        self.fields["depends_on"].queryset = selectors.task_choices(  # type: ignore[attr-defined]
            project=project, exclude=task.pk if task else None
        )
        if len(self.fields["estate"].queryset) == 1:  # type: ignore[attr-defined]
            self.fields["estate"].initial = self.fields["estate"].queryset.first()  # type: ignore[attr-defined]


class MeetingForm(BootstrapForm):
    """A coordination meeting (碰头会) and its minutes."""

    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=DATE)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    attendees = forms.CharField(
        label=gettext_lazy("Attendees"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(label=gettext_lazy("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ActionItemForm(BootstrapForm):
    """One thing the meeting decided: what, who, by when (empty rows are skipped)."""

    text = forms.CharField(label=gettext_lazy("Action"), max_length=300, required=False)
    owner = forms.CharField(label=gettext_lazy("Responsible"), max_length=200, required=False)
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=DATE, required=False)


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=50, absolute_max=50)


class ActionDoneForm(BootstrapForm):
    """The day an action was done (today when empty)."""

    done_on = forms.DateField(label=gettext_lazy("Done on"), widget=DATE, required=False)
