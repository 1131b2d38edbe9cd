from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.batches"
    label = "batches"

    def ready(self) -> None:
        from medpause.audit.verify import register_digest
        from medpause.batches.publish import DIGEST_ACTION, recompute

        register_digest(DIGEST_ACTION, recompute)
