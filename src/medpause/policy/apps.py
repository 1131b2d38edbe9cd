from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.policy"
    label = "policy"
