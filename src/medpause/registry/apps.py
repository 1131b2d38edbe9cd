from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.registry"
    label = "registry"
    verbose_name = _("Units, insured persons and cards")
