from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from django.contrib import admin

        from medpause.ops.metrics import settlement_recorded
        from medpause.ops.thirdparty import name_third_party_apps

        # Settlements are counted by outcome whichever path records them (the API, its lean path).
        post_save.connect(settlement_recorded, sender="coverage.Settlement", dispatch_uid="ops.settlements")
        # The admin index shows the task queue's depth and its oldest waiting task.
        admin.site.index_template = "ops/admin_index.html"
        admin.site.site_header = admin.site.site_title = _("medpause administration")
        admin.site.index_title = _("Records and settings")
        name_third_party_apps()
