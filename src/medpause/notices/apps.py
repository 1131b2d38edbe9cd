from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.notices"
    label = "notices"
