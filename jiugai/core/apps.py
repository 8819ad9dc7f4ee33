from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiugai.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import history

        history.connect_signals()
