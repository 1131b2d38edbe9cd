from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.web"
    label = "web"
