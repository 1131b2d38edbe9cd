from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.api"
    label = "api"
    verbose_name = _("API tokens")
