"""Forms of the PRE's children and families pages. Labels and messages are what users read:
French, next to the field they concern."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from cdv.models import Organisation, User
from pre.enums import KindReperant, MotifReperage, NiveauClasse, Sexe
from pre.models import Etablissement, ResponsableLegal
from pre.selectors_parcours import organisations_choix
from quartiers.models import Quartier

EMPTY_LABEL = "— Choisir —"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_INVALIDE = "Indiquez une date valide, par exemple 14/03/2015."


class ErreursMixin:
    """The page's error summary and the services' errors next to their fields."""

    ancre = "#formulaire"

    def summary(self):
        """Every error as (anchor, what, message), in the page's order."""
        items = [(self.ancre, "Formulaire", m) for m in self.non_field_errors()]
        for field in self:
            anchor = f"#{field.auto_id}"
            if isinstance(field.field.widget, forms.CheckboxSelectMultiple):
                anchor = f"#{field.auto_id}_0"
            items.extend((anchor, field.label, m) for m in field.errors)
        return items

    def add_service_errors(self, exc):
        erreurs = getattr(exc, "message_dict", {NON_FIELD_ERRORS: exc.messages})
        for name, messages in erreurs.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def _date(label, *, required=True, requis=None, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        help_text=help_text,
        error_messages={"required": requis or "Indiquez la date.", "invalid": DATE_INVALIDE},
    )


class EnfantForm(ErreursMixin, forms.Form):
    """The child's identity and schooling; `version` is the one the user read."""

    ancre = "#enfant-form"

    nom = forms.CharField(
        label="Nom",
        max_length=100,
        error_messages={"required": "Indiquez le nom de l'enfant."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    prenom = forms.CharField(
        label="Prénom",
        max_length=100,
        error_messages={"required": "Indiquez le prénom de l'enfant."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_naissance = _date("Date de naissance", requis="Indiquez la date de naissance.")
    sexe = forms.ChoiceField(
        label="Sexe",
        choices=[("", EMPTY_LABEL), *Sexe.choices],
        error_messages={"required": "Indiquez le sexe de l'enfant."},
    )
    quartier = forms.ModelChoiceField(
        label="Quartier de résidence",
        queryset=Quartier.objects.none(),
        required=False,
        empty_label="Hors des quartiers du contrat",
    )
    etablissement = forms.ModelChoiceField(
        label="Établissement scolaire",
        queryset=Etablissement.objects.none(),
        required=False,
        empty_label="Non renseigné",
    )
    niveau = forms.ChoiceField(
        label="Classe", choices=[("", "Non renseignée"), *NiveauClasse.choices], required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = (
            Quartier.objects.filter(contrat=contrat).order_by("nom")
            if contrat
            else Quartier.objects.none()
        )
        self.fields["etablissement"].queryset = Etablissement.objects.for_user(user)

    @classmethod
    def initial_of(cls, enfant):
        return {
            "nom": enfant.nom,
            "prenom": enfant.prenom,
            "date_naissance": enfant.date_naissance,
            "sexe": enfant.sexe,
            "quartier": enfant.quartier_id,
            "etablissement": enfant.etablissement_id,
            "niveau": enfant.niveau,
            "version": enfant.version,
        }


class ResponsableForm(ErreursMixin, forms.ModelForm):
    ancre = "#responsable-form"

    class Meta:
        model = ResponsableLegal
        fields = ["lien", "nom", "prenom", "telephone", "email", "adresse", "quotient_familial"]
        widgets = {
            "adresse": forms.Textarea(attrs={"rows": 3}),
            "quotient_familial": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "telephone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }
        help_texts = {
            "quotient_familial": "Celui de l'attestation de la CAF, en euros ; il fixe la part "
            "payée par la famille selon la grille tarifaire.",
        }
        error_messages = {
            "lien": {"required": "Indiquez le lien avec l'enfant."},
            "nom": {"required": "Indiquez le nom du responsable légal."},
            "prenom": {"required": "Indiquez le prénom du responsable légal."},
            "email": {"invalid": "Indiquez une adresse électronique valide (nom@exemple.fr)."},
            "quotient_familial": {
                "invalid": "Indiquez un nombre entier d'euros, par exemple 620.",
                "min_value": "Le quotient familial ne peut pas être négatif.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lien"].choices = [("", EMPTY_LABEL), *ResponsableLegal.Lien.choices]
        self.fields["nom"].required = True
        self.fields["prenom"].required = True


class ConsentementForm(ErreursMixin, forms.Form):
    ancre = "#consentement-form"

    date = _date("Date de signature", requis="Indiquez la date de signature.")
    document = forms.FileField(
        label="Document signé",
        help_text="Le consentement signé, numérisé ou photographié : un PDF, une image JPEG "
        "ou PNG, de 10 Mo au plus.",
        error_messages={
            "required": "Joignez le consentement signé.",
            "empty": "Le fichier est vide.",
            "invalid": "Ce fichier n'a pas pu être lu : joignez-le à nouveau.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ReperageForm(ErreursMixin, forms.Form):
    ancre = "#reperage-form"

    date = _date("Date du repérage", requis="Indiquez la date du repérage.")
    reperant = forms.ChoiceField(
        label="Repéré par",
        choices=[("", EMPTY_LABEL), *KindReperant.choices],
        error_messages={"required": "Indiquez qui a repéré l'enfant."},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Non renseignée",
        help_text="L'école, le centre social ou l'association qui a repéré l'enfant.",
    )
    motifs = forms.MultipleChoiceField(
        label="Motifs du repérage",
        choices=MotifReperage.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins un motif de repérage.",
            "invalid_choice": "Choisissez les motifs dans la liste proposée.",
        },
    )
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Les faits utiles à l'équipe pluridisciplinaire, sans jugement.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_choix(user)


class RechercheForm(forms.Form):
    q = forms.CharField(label="Nom ou prénom", required=False, max_length=100)


class EffacementForm(ErreursMixin, forms.Form):
    """The coordinator confirms by typing the child's number."""

    ancre = "#effacement-form"

    numero = forms.IntegerField(
        label="Numéro du dossier",
        help_text="Recopiez le numéro du dossier pour confirmer l'effacement.",
        error_messages={
            "required": "Recopiez le numéro du dossier pour confirmer.",
            "invalid": "Recopiez le numéro du dossier, en chiffres.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, enfant, **kwargs):
        super().__init__(*args, **kwargs)
        self.enfant = enfant

    def clean_numero(self):
        numero = self.cleaned_data["numero"]
        if numero != self.enfant.pk:
            raise forms.ValidationError(
                "Ce numéro n'est pas celui du dossier : rien n'a été effacé."
            )
        return numero


class JournalFiltreForm(forms.Form):
    enfant = forms.IntegerField(
        label="Enfant n°",
        required=False,
        min_value=1,
        error_messages={
            "invalid": "Indiquez un numéro d'enfant, en chiffres.",
            "min_value": "Indiquez un numéro d'enfant, en chiffres.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    utilisateur = forms.ModelChoiceField(
        label="Utilisateur", queryset=User.objects.none(), required=False, empty_label="Tous"
    )

    def __init__(self, *args, utilisateurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["utilisateur"].queryset = utilisateurs

    def filtres(self):
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v is not None}
