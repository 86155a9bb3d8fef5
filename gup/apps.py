from django.apps import AppConfig


class GupConfig(AppConfig):
    name = "gup"
    verbose_name = "Gestion urbaine de proximité"
