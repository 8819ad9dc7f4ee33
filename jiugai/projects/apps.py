from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "jiugai.projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the role × action table)
