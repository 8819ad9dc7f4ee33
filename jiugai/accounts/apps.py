from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiugai.accounts"
    verbose_name = _("Accounts and jurisdictions")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the role × action table)
