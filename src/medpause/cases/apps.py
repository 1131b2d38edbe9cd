from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.cases"
    label = "cases"
