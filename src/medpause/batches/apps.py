from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.batches"
    label = "batches"
    verbose_name = _("Batch files")

    def ready(self) -> None:
        from medpause.audit.verify import register_digest
        from medpause.batches.publish import DIGEST_ACTION, recompute

        register_digest(DIGEST_ACTION, recompute)
