from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "jiugai.consultation"
    verbose_name = _("Resident consultation")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the role × action table)
