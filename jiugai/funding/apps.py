from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "jiugai.funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        from jiugai.consultation.extensions import ballot_extra_register

        from . import permissions  # noqa: F401  (registers the role × action table)
        from .selectors import ballot_share_extra

        ballot_extra_register(ballot_share_extra)
