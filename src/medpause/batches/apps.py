from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.batches"
    label = "batches"
    verbose_name = _("Batch files")
