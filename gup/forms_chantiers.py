"""Forms of the chantiers tremplin pages: the filters, the site and its funders. Labels and
messages are what users read: French."""

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from cdv.enums import RoleCode
from cdv.models import Organisation
from gup.models import ChantierTremplin, Diagnostic, FinancementChantier, Signalement
from quartiers.models import Quartier

EMPTY_LABEL = "— Choisir —"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COMPTAGES = [
    "participants",
    "femmes",
    "hommes",
    "residents_qpv",
    "sorties_emploi",
    "sorties_formation",
    "sorties_iae",
    "sorties_autre_suivi",
    "sorties_sans_solution",
]


def _entier():
    return forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"})


def _libelle_signalement(signalement):
    adresse = signalement.adresse or "sans adresse"
    return f"n° {signalement.pk} — {signalement.categorie} — {adresse}"


class FiltreForm(forms.Form):
    """Year and quartier of the list and of the bilan (both optional)."""

    annee = forms.TypedChoiceField(label="Année", coerce=int, required=False, empty_value=None)
    quartier = forms.ModelChoiceField(
        label="Quartier", queryset=Quartier.objects.none(), required=False, empty_label="Tous"
    )

    def __init__(self, *args, annees, quartiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Toutes"), *((a, str(a)) for a in annees)]
        self.fields["quartier"].queryset = quartiers

    def filtres(self):
        """The valid criteria as keyword arguments of selectors.chantiers_for."""
        if not self.is_valid():
            return {}
        return {
            "annee": self.cleaned_data.get("annee"),
            "quartier": self.cleaned_data.get("quartier"),
        }


class ChantierForm(forms.ModelForm):
    """The site: where, when, by whom, what it answers, who took part and what became of
    them. The model's clean() checks that the counts hold together."""

    class Meta:
        model = ChantierTremplin
        fields = [
            "quartier",
            "annee",
            "intitule",
            "operateur",
            "date_debut",
            "date_fin",
            "diagnostic",
            "signalements",
            *COMPTAGES,
            "commentaire",
        ]
        widgets = {
            "date_debut": DATE_WIDGET,
            "date_fin": DATE_WIDGET,
            "annee": forms.NumberInput(attrs={"min": 2000, "max": 2100, "inputmode": "numeric"}),
            "commentaire": forms.Textarea(attrs={"rows": 4}),
            "signalements": forms.SelectMultiple(attrs={"size": 6}),
            **{name: _entier() for name in COMPTAGES},
        }
        help_texts = {
            "diagnostic": "Le diagnostic en marchant du même quartier qui a relevé les besoins.",
            "signalements": "Les signalements du même quartier que le chantier traite. "
            "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
            "femmes": "Femmes et hommes ne dépassent pas le nombre de participants.",
            "residents_qpv": "Participants habitant un quartier prioritaire.",
            "sorties_emploi": "Les sorties (emploi, formation, IAE, autre suivi, sans solution) "
            "ne dépassent pas le nombre de participants.",
        }

    def __init__(self, *args, user, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        quartiers = Quartier.objects.filter(contrat=contrat) if contrat else Quartier.objects.none()
        fields["quartier"].queryset = quartiers.order_by("nom")
        fields["diagnostic"].queryset = (
            Diagnostic.objects.for_user(user)
            .filter(quartier__in=quartiers)
            .select_related("quartier")
        )
        fields["signalements"].queryset = (
            Signalement.objects.for_user(user)
            .filter(quartier__in=quartiers)
            .select_related("categorie", "quartier")
            .order_by("-signale_le", "-pk")
        )
        fields["signalements"].label_from_instance = _libelle_signalement
        fields["operateur"].queryset = Organisation.objects.for_user(user).order_by("nom")
        self.operateur_impose = not user.is_superuser and not user.has_role(
            RoleCode.COORDINATEUR_GUP
        )
        if self.operateur_impose:
            # The operator's agent records its own organisation's sites.
            fields["operateur"].queryset = fields["operateur"].queryset.filter(
                pk=user.organisation_id
            )
            if not self.instance.pk:
                self.initial["operateur"] = user.organisation_id
            fields["operateur"].help_text = "Votre organisation, qui conduit le chantier."
        for name in ("quartier", "diagnostic", "operateur"):
            fields[name].empty_label = EMPTY_LABEL
        if not self.instance.pk:
            self.initial["annee"] = timezone.localdate().year

    def add_service_errors(self, errors):
        """Errors of the service ({field: [messages]}) next to the fields they concern;
        returns those of the funders' table."""
        financements = []
        for key, messages in errors.items():
            if key == "financements":
                financements.extend(messages)
                continue
            name = key if key in self.fields and key != NON_FIELD_ERRORS else None
            for message in messages:
                self.add_error(name, message)
        return financements


class FinancementForm(forms.ModelForm):
    montant = forms.DecimalField(
        label="Montant (€)",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"min_value": "Un montant de financement ne peut pas être négatif."},
    )

    class Meta:
        model = FinancementChantier
        fields = ["financeur", "montant"]

    def __init__(self, *args, financeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].queryset = financeurs
        self.fields["financeur"].empty_label = EMPTY_LABEL


FinancementFormSet = forms.inlineformset_factory(
    ChantierTremplin,
    FinancementChantier,
    form=FinancementForm,
    extra=2,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


def financements_of(formset):
    """The funders' lines kept by the user (filled in, not marked for deletion)."""
    return [
        {"financeur": form.cleaned_data["financeur"], "montant": form.cleaned_data.get("montant")}
        for form in formset.forms
        if form.cleaned_data
        and form.cleaned_data.get("financeur")
        and not form.cleaned_data.get("DELETE")
    ]


def summary(form, formset):
    """Every error of the page as (anchor, what, message), in the page's order."""
    items = [("#chantier-form", "Chantier", message) for message in form.non_field_errors()]
    for field in form:
        items.extend((f"#{field.auto_id}", field.label, message) for message in field.errors)
    items.extend(("#section-financements", "Financeurs", m) for m in formset.non_form_errors())
    for number, row in enumerate(formset.forms, 1):
        for field in row:
            items.extend(
                (f"#{field.auto_id}", f"Financeurs, ligne {number} : {field.label}", message)
                for message in field.errors
            )
    return items
