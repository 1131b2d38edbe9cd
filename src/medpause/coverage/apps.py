from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.coverage"
    label = "coverage"
