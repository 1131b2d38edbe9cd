from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.audit"
    label = "audit"
