from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.accounts"
    label = "accounts"
