"""Forms of the indicateurs resserrés: the scoreboard's filters, an indicator, its targets."""

from django import forms
from django.core.exceptions import ValidationError

from cdv.models import Pilier
from quartiers.models import Quartier
from quartiers.models_pilotage import IndicateurPilotage, SourcePilotage
from quartiers.pilotage import CONFLIT, REGISTRE, annees_du_contrat, choix_calculs


def _choix_du_contrat(form, user, contrat):
    form.fields["pilier"].queryset = Pilier.objects.for_user(user).filter(contrat=contrat)
    form.fields["quartier"].queryset = Quartier.objects.for_user(user).filter(contrat=contrat)
    form.fields["pilier"].empty_label = "Tous piliers"
    form.fields["quartier"].empty_label = "Ensemble du contrat"


class FiltreForm(forms.Form):
    pilier = forms.ModelChoiceField(queryset=Pilier.objects.none(), required=False)
    quartier = forms.ModelChoiceField(queryset=Quartier.objects.none(), required=False)

    def __init__(self, data=None, *, user, contrat):
        super().__init__(data or None)
        _choix_du_contrat(self, user, contrat)
        self.fields["pilier"].label = "Pilier"
        self.fields["quartier"].label = "Quartier"


class IndicateurForm(forms.ModelForm):
    calcul = forms.ChoiceField(
        label="Calcul",
        required=False,
        help_text="Pour un indicateur calculé : le chiffre de la plateforme qu'il reprend.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = IndicateurPilotage
        fields = ["libelle", "source", "calcul", "unite", "sens", "pilier", "quartier", "ordre"]

    def __init__(self, *args, user, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.contrat = contrat
        _choix_du_contrat(self, user, contrat)
        self.fields["calcul"].choices = [("", "—"), *choix_calculs()]
        self.fields["source"].widget = forms.RadioSelect(choices=SourcePilotage.choices)
        self.fields["pilier"].error_messages["invalid_choice"] = "Choisissez un pilier du contrat."
        self.fields["quartier"].error_messages["invalid_choice"] = (
            "Choisissez un quartier du contrat."
        )
        self.fields["version"].initial = self.instance.version
        self.fields["libelle"].required = False  # a computed one takes its computation's label
        for name in ("unite", "sens"):
            self.fields[name].required = False
            self.fields[name].help_text = "Vide pour un indicateur calculé : celui du calcul."

    def clean(self):
        cleaned = super().clean()
        calcul = REGISTRE.get(cleaned.get("calcul") or "")
        if cleaned.get("source") == SourcePilotage.CALCULE and calcul is not None:
            # A computation fixes its unit; its label and direction are defaults.
            cleaned["unite"] = calcul.unite
            cleaned["libelle"] = cleaned.get("libelle") or calcul.libelle
            cleaned["sens"] = cleaned.get("sens") or calcul.sens
            for name in ("unite", "libelle", "sens"):
                setattr(self.instance, name, cleaned[name])
        else:
            for name, message in (
                ("libelle", "Donnez un libellé à l'indicateur."),
                ("unite", "Choisissez l'unité."),
                ("sens", "Dites si une hausse ou une baisse est souhaitée."),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        if self.instance.pk and cleaned.get("version") != self.instance.version:
            raise ValidationError(CONFLIT)
        return cleaned


def _nombre(label):
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=15,
        decimal_places=3,
        localize=True,
        error_messages={
            "invalid": "Saisissez un nombre (virgule pour les décimales).",
            "max_digits": "Ce nombre est trop long.",
            "max_decimal_places": "Trois décimales au plus.",
        },
    )


class CiblesForm(forms.Form):
    """A target (and, for an indicator entered by hand, a value) for each year of the
    contract; a year left empty drops its row."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, indicateur):
        super().__init__(data)
        self.indicateur = indicateur
        self.annees = annees_du_contrat(indicateur.contrat)
        existantes = {c.annee: c for c in indicateur.cibles.all()}
        self.fields["version"].initial = indicateur.version
        for annee in self.annees:
            cible = existantes.get(annee)
            self.fields[f"cible_{annee}"] = _nombre(f"Cible {annee}")
            self.fields[f"cible_{annee}"].initial = cible.cible if cible else None
            if not indicateur.est_calcule:
                self.fields[f"valeur_{annee}"] = _nombre(f"Valeur {annee}")
                self.fields[f"valeur_{annee}"].initial = cible.valeur_saisie if cible else None
            self.fields[f"commentaire_{annee}"] = forms.CharField(
                label=f"Commentaire {annee}", required=False, max_length=500
            )
            self.fields[f"commentaire_{annee}"].initial = cible.commentaire if cible else ""
            self.fields[f"commentaire_{annee}"].error_messages["max_length"] = (
                "500 caractères au plus."
            )

    def annees_champs(self):
        """[(year, [bound fields])] for the template's table."""
        return [
            (
                annee,
                [
                    self[name]
                    for name in (f"cible_{annee}", f"valeur_{annee}", f"commentaire_{annee}")
                    if name in self.fields
                ],
            )
            for annee in self.annees
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") != self.indicateur.version:
            raise ValidationError(CONFLIT)
        return cleaned

    def lignes(self):
        """{year: (cible, valeur_saisie, commentaire)} of the years filled in."""
        result = {}
        for annee in self.annees:
            cible = self.cleaned_data.get(f"cible_{annee}")
            valeur = self.cleaned_data.get(f"valeur_{annee}")
            commentaire = self.cleaned_data.get(f"commentaire_{annee}", "").strip()
            if cible is not None or valeur is not None or commentaire:
                result[annee] = (cible, valeur, commentaire)
        return result
