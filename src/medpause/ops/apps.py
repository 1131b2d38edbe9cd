from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.ops"
    label = "ops"
