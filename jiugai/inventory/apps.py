from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "jiugai.inventory"
    verbose_name = _("Estate inventory")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the role × action table)
