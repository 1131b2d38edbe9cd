from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.registry"
    label = "registry"
