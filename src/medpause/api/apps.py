from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.api"
    label = "api"
