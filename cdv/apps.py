from django.apps import AppConfig


class CdvConfig(AppConfig):
    name = "cdv"
    verbose_name = "Contrat de ville"

    def ready(self):
        from cdv import audit

        audit.enregistrer()
