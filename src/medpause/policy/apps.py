from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.policy"
    label = "policy"
    verbose_name = _("Regions and policies")
