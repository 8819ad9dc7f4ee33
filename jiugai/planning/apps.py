from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "jiugai.planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the role × action table)
