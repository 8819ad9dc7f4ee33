"""Forms of the import pages: choose a kind, a jurisdiction and a file; resolve near-duplicates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiugai.accounts.choices import Level
from jiugai.accounts.models import Jurisdiction
from jiugai.core.forms import BootstrapForm

from ..choices import ImportKind
from .reader import EXTENSIONS, max_bytes


class ImportUploadForm(BootstrapForm):
    """Upload a filled-in template."""

    kind = forms.ChoiceField(label=gettext_lazy("What to import"), choices=ImportKind.choices)
    jurisdiction = forms.ModelChoiceField(label=gettext_lazy("Into jurisdiction"), queryset=Jurisdiction.objects.none())
    file = forms.FileField(
        label=gettext_lazy("Workbook"),
        help_text=gettext_lazy("The filled-in template (.xlsx, .xls or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Jurisdiction.objects.exclude(level__in=[Level.NATION, Level.PROVINCE])
        base = user.scope_path()
        if base is not None:
            queryset = queryset.filter(path__startswith=base)
        queryset = queryset.exclude(level=Level.COMMUNITY) | queryset.filter(pk=user.jurisdiction_id)
        field = self.fields["jurisdiction"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = queryset.order_by("path")
        if user.jurisdiction_id and not self.is_bound:
            self.initial.setdefault("jurisdiction", user.jurisdiction_id)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; the limit is %(limit).0f MB. Split it into smaller files.")
                % {"size": upload.size / 1048576, "limit": limit / 1048576}
            )
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(
                _("“%(name)s” is not an Excel workbook or CSV file; upload .xlsx, .xls or .csv.")
                % {"name": upload.name}
            )
        return upload
