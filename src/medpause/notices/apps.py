from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.notices"
    label = "notices"
    verbose_name = _("Notices")
