from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    """The printed documents: their message catalog, the record of issued certificates and
    receipts (IssuedDocument) and the public page that verifies them."""

    name = "medpause.printing"
    label = "printing"
    verbose_name = _("Printed forms and certificates")
