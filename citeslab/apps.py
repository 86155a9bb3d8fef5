from django.apps import AppConfig


class CiteslabConfig(AppConfig):
    name = "citeslab"
    verbose_name = "CitésLab"
