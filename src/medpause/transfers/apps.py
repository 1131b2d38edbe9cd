from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.transfers"
    label = "transfers"
    verbose_name = _("Transfers between regions")
