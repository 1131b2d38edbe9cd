from django.apps import AppConfig
from django.db.models.signals import post_save


class Config(AppConfig):
    name = "medpause.ops"
    label = "ops"

    def ready(self):
        from django.contrib import admin

        from medpause.ops.metrics import settlement_recorded

        # Settlements are counted by outcome whichever path records them (the API, its lean path).
        post_save.connect(settlement_recorded, sender="coverage.Settlement", dispatch_uid="ops.settlements")
        # The admin index shows the task queue's depth and its oldest waiting task.
        admin.site.index_template = "ops/admin_index.html"
