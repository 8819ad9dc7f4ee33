from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "jiugai.policy"
    verbose_name = _("Policy profiles")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the role × action table)
