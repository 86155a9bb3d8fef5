"""Forms of the TFPB abatement pages. Amounts are typed the French way ("1 234,56"); the
services check the rules again (period, quartiers of the dwellings) and their refusals are
shown next to the field they concern."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from cdv.enums import OrganisationKind
from cdv.models import Organisation
from gup.models import AxeTFPB, ConventionTFPB, Diagnostic
from programmation.forms_comite import MontantField

EMPTY_LABEL = "— Choisir —"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ANNEE_MESSAGES = {
    "required": "Indiquez l'année.",
    "invalid": "Indiquez une année, par exemple 2025.",
    "min_value": "Indiquez une année après 1999.",
    "max_value": "Indiquez une année avant 2100.",
}


def _annee(label="Année", **kwargs):
    return forms.IntegerField(
        label=label,
        min_value=2000,
        max_value=2099,
        error_messages=ANNEE_MESSAGES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class ServiceErrorsMixin:
    """The service's refusal, next to the field it concerns (else at the top)."""

    def add_service_errors(self, exc):
        messages = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc}
        for key, errors in messages.items():
            self.add_error(key if key in self.fields else None, errors)


class ConventionForm(ServiceErrorsMixin, forms.Form):
    bailleur = forms.ModelChoiceField(
        label="Bailleur",
        queryset=Organisation.objects.none(),
        empty_label=EMPTY_LABEL,
        error_messages={
            "required": "Choisissez le bailleur signataire.",
            "invalid_choice": "Choisissez un bailleur social de la liste.",
        },
    )
    annee_debut = _annee("Première année")
    annee_fin = _annee("Dernière année")
    date_signature = forms.DateField(
        label="Date de signature",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Indiquez une date, par exemple 25/11/2026."},
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bailleur"].queryset = Organisation.objects.for_user(user).filter(
            kind=OrganisationKind.BAILLEUR
        )

    def clean(self):
        cleaned = super().clean()
        debut, fin = cleaned.get("annee_debut"), cleaned.get("annee_fin")
        if debut and fin and fin < debut:
            self.add_error("annee_fin", "La dernière année ne peut précéder la première.")
        return cleaned

    @classmethod
    def initial_of(cls, convention: ConventionTFPB):
        return {
            "bailleur": convention.bailleur_id,
            "annee_debut": convention.annee_debut,
            "annee_fin": convention.annee_fin,
            "date_signature": convention.date_signature,
            "commentaire": convention.commentaire,
        }


class PatrimoineForm(ServiceErrorsMixin, forms.Form):
    """One number of dwellings per quartier of the contract (empty: none there)."""

    def __init__(self, *args, quartiers, existants, **kwargs):
        super().__init__(*args, **kwargs)
        self.quartiers = list(quartiers)
        for quartier in self.quartiers:
            self.fields[f"logements_{quartier.pk}"] = forms.IntegerField(
                label=f"Logements — {quartier.nom}",
                required=False,
                min_value=0,
                initial=existants.get(quartier.pk),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "invalid": "Indiquez un nombre entier de logements.",
                    "min_value": "Un nombre de logements ne peut être négatif.",
                },
            )

    def logements(self):
        return {q: self.cleaned_data.get(f"logements_{q.pk}") for q in self.quartiers}


class AbattementsForm(ServiceErrorsMixin, forms.Form):
    """A year's abatement in each quartier of the convention's dwellings."""

    annee = _annee()

    def __init__(self, *args, quartiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.quartiers = list(quartiers)
        for quartier in self.quartiers:
            self.fields[f"montant_{quartier.pk}"] = MontantField(
                label=f"Abattement — {quartier.nom} (en euros)"
            )

    def montants(self):
        return {q.pk: self.cleaned_data.get(f"montant_{q.pk}") for q in self.quartiers}


class ActionForm(ServiceErrorsMixin, forms.Form):
    quartier = forms.ModelChoiceField(
        label="Quartier",
        queryset=None,
        empty_label=EMPTY_LABEL,
        error_messages={
            "required": "Choisissez le quartier de l'action.",
            "invalid_choice": "Choisissez un quartier où la convention compte des logements.",
        },
    )
    annee = _annee()
    axe = forms.ModelChoiceField(
        label="Axe du cadre national",
        queryset=None,
        empty_label=EMPTY_LABEL,
        error_messages={
            "required": "Choisissez l'axe de l'action.",
            "invalid_choice": "Choisissez un axe de la liste.",
        },
    )
    intitule = forms.CharField(
        label="Intitulé", max_length=255, error_messages={"required": "Indiquez l'intitulé."}
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    residence = forms.CharField(label="Résidence ou bâtiment", required=False, max_length=255)
    montant_prevu = MontantField(
        label="Montant prévu (en euros)",
        required=True,
        error_messages={"required": "Indiquez le montant prévu."},
    )
    montant_realise = MontantField(
        label="Montant réalisé (en euros)",
        help_text="Laissez vide tant qu'il n'est pas connu : l'action compte alors 0 € réalisé.",
    )
    cofinancement = MontantField(label="Cofinancements (en euros)")
    diagnostic = forms.ModelChoiceField(
        label="Diagnostic en marchant à l'origine",
        queryset=None,
        required=False,
        empty_label="Aucun",
        error_messages={"invalid_choice": "Choisissez un diagnostic de la liste."},
    )

    def __init__(self, *args, convention, quartiers, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = quartiers
        self.fields["axe"].queryset = AxeTFPB.objects.for_user(user)
        self.fields["diagnostic"].queryset = (
            Diagnostic.objects.for_user(user)
            .filter(quartier__contrat_id=convention.contrat_id)
            .select_related("quartier")
            .order_by("-date")
        )
        self.fields["diagnostic"].label_from_instance = lambda d: (
            f"{d.quartier.nom} — {d.date:%d/%m/%Y} — {d.secteur}"
        )

    def champs(self):
        """The cleaned values, as the service takes them."""
        data = dict(self.cleaned_data)
        data["quartier_id"] = data.pop("quartier").pk
        if data.get("cofinancement") is None:
            data["cofinancement"] = 0
        return data

    @classmethod
    def initial_of(cls, action):
        return {
            "quartier": action.quartier_id,
            "annee": action.annee,
            "axe": action.axe_id,
            "intitule": action.intitule,
            "description": action.description,
            "residence": action.residence,
            "montant_prevu": action.montant_prevu,
            "montant_realise": action.montant_realise,
            "cofinancement": action.cofinancement,
            "diagnostic": action.diagnostic_id,
        }


class AnneeForm(forms.Form):
    """The year of the bilan (GET)."""

    annee = forms.TypedChoiceField(label="Année", coerce=int, choices=())

    def __init__(self, *args, annees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(a, str(a)) for a in annees]
