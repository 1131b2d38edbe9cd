from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    """Installed only so that Django also finds this package's message catalog."""

    name = "medpause.printing"
    label = "printing"
    verbose_name = _("Printed forms and certificates")
