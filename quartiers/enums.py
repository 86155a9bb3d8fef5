from django.db import models


class QuartierKind(models.TextChoices):
    QPV = "qpv", "Quartier prioritaire (QPV)"
    QVA = "qva", "Quartier de veille active (QVA)"
