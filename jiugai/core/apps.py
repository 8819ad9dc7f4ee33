from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiugai.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.translation import gettext

        from jiugai.rules import i18n

        from . import history

        history.connect_signals()
        # Rule messages are built in the pure rules layer; translate them with Django's active language.
        i18n.set_translator(gettext)
