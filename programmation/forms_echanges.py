"""Forms of the exchanges on an action: a message, an attachment. French labels."""

from django import forms
from django.conf import settings

from cdv.files import taille_mo
from programmation.forms import DATE_WIDGET
from programmation.models import NatureDocument


class MessageForm(forms.Form):
    texte = forms.CharField(
        label="Votre message",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Écrivez votre message avant de l'envoyer."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_message_%s")  # unique on the action's page
        super().__init__(*args, **kwargs)

    def clean_texte(self):
        texte = self.cleaned_data["texte"].strip()
        if not texte:
            raise forms.ValidationError("Écrivez votre message avant de l'envoyer.")
        return texte


class PieceForm(forms.Form):
    nature = forms.ChoiceField(label="Nature du document", choices=NatureDocument.choices)
    fichier = forms.FileField(
        label="Fichier",
        error_messages={
            "required": "Choisissez le fichier à joindre.",
            "empty": "Le fichier est vide.",
        },
    )
    valide_jusqu_au = forms.DateField(
        label="Valable jusqu'au",
        required=False,
        widget=DATE_WIDGET,
        help_text="Laissez vide pour la durée habituelle : un an pour la liste des dirigeants, "
        "le rapport d'activité, les comptes et le budget de l'association ; sans limite pour "
        "les statuts, le RIB et les autres documents.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fichier"].help_text = (
            "PDF, image JPEG ou PNG, document OpenDocument ou Microsoft Office, "
            f"{taille_mo(settings.PIECE_JOINTE_TAILLE_MAX)} au plus."
        )
        self.fields["fichier"].widget.attrs["accept"] = (
            ".pdf,.jpg,.jpeg,.png,.odt,.ods,.odp,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
        )
