from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.batches"
    label = "batches"
