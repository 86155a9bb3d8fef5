"""Forms of the pathway, price grid and budget pages. Amounts are typed the French way
("1 234,56"); the services check the rules again (cap, exit, grid) and their refusals are
shown next to the field they concern."""

from decimal import Decimal

from django import forms

from gup.forms_tfpb import ANNEE_MESSAGES, DATE_WIDGET, EMPTY_LABEL, ServiceErrorsMixin
from pre import selectors_parcours
from pre.enums import Adhesion, AxeParcours, MotifSortie
from pre.selectors_parcours import ECHELLE_SATISFACTION, QUESTIONS_SATISFACTION
from programmation.forms_comite import MontantField

DATE_MESSAGES = {
    "required": "Indiquez la date.",
    "invalid": "Indiquez une date, par exemple 25/11/2026.",
}
INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=DATE_WIDGET,
        input_formats=INPUT_FORMATS,
        error_messages=DATE_MESSAGES,
        **kwargs,
    )


def _adhesion(required=False):
    return forms.TypedChoiceField(
        label="Adhésion des parents",
        choices=[("", "Non évaluée")] + list(Adhesion.choices),
        coerce=int,
        empty_value=None,
        required=required,
        error_messages={
            "required": "Indiquez l'adhésion des parents.",
            "invalid_choice": "Choisissez l'adhésion dans la liste proposée.",
        },
        help_text="De 1 (faible) à 4 (très bonne).",
    )


class ParcoursForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    referent = forms.ModelChoiceField(
        label="Référent de parcours",
        queryset=None,
        required=False,
        empty_label="— Aucun —",
        error_messages={"invalid_choice": "Choisissez un référent du PRE de la liste."},
    )
    axes = forms.MultipleChoiceField(
        label="Axes du parcours",
        choices=AxeParcours.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choisissez les axes dans la liste proposée."},
    )
    objectifs = forms.CharField(
        label="Objectifs", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    adhesion = _adhesion()

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = selectors_parcours.referents_queryset(contrat)

    @classmethod
    def initial_of(cls, parcours):
        return {
            "version": parcours.version,
            "referent": parcours.referent_id,
            "axes": parcours.axes,
            "objectifs": parcours.objectifs or "",
            "adhesion": parcours.adhesion,
        }


# The pathway's page holds several forms: each has its prefix, so no two fields share an id.
class DemarrerForm(ServiceErrorsMixin, forms.Form):
    prefix = "demarrer"
    version = forms.IntegerField(widget=forms.HiddenInput)
    date_entree = _date("Date d'entrée en parcours")


class ActionForm(ServiceErrorsMixin, forms.Form):
    prefix = "action"
    axe = forms.ChoiceField(
        label="Axe",
        choices=[("", EMPTY_LABEL)] + list(AxeParcours.choices),
        error_messages={
            "required": "Choisissez l'axe de l'action.",
            "invalid_choice": "Choisissez un axe de la liste.",
        },
    )
    intitule = forms.CharField(
        label="Intitulé",
        max_length=255,
        error_messages={
            "required": "Indiquez l'intitulé de l'action.",
            "max_length": "L'intitulé compte au plus 255 caractères.",
        },
    )
    prestataire = forms.ModelChoiceField(
        label="Prestataire",
        queryset=None,
        required=False,
        empty_label="— Aucun —",
        error_messages={"invalid_choice": "Choisissez un prestataire de la liste."},
    )
    date = _date("Date")
    cout = MontantField(
        label="Coût (€)",
        required=True,
        help_text="La part de la famille et celle du PRE sont calculées par la grille tarifaire.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prestataire"].queryset = selectors_parcours.organisations_choix(user)
        self.fields["cout"].error_messages["required"] = "Indiquez le coût de l'action."


class RevueForm(ServiceErrorsMixin, forms.Form):
    prefix = "revue"
    date = _date("Date de la revue")
    contenu = forms.CharField(
        label="Compte rendu",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez le compte rendu de la revue."},
    )
    adhesion = _adhesion()


class SortieForm(ServiceErrorsMixin, forms.Form):
    prefix = "sortie"
    version = forms.IntegerField(widget=forms.HiddenInput)
    date_sortie = _date("Date de sortie")
    motif_sortie = forms.ChoiceField(
        label="Motif de sortie",
        choices=[("", EMPTY_LABEL)]
        + [c for c in MotifSortie.choices if c[0] != MotifSortie.NON_RENSEIGNE],
        error_messages={
            "required": "Indiquez le motif de sortie.",
            "invalid_choice": "Choisissez un motif de la liste.",
        },
    )
    adhesion = _adhesion(required=True)
    commentaire = forms.CharField(
        label="Commentaire de la famille",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, question in QUESTIONS_SATISFACTION:
            self.fields[f"q_{code}"] = forms.TypedChoiceField(
                label=question,
                choices=[("", "Sans réponse")] + ECHELLE_SATISFACTION,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": "Choisissez une réponse de 1 à 4."},
            )
        # The questions after the exit itself, the comment last.
        self.order_fields(
            ["version", "date_sortie", "motif_sortie", "adhesion"]
            + [f"q_{code}" for code, _ in QUESTIONS_SATISFACTION]
            + ["commentaire"]
        )

    def questions(self):
        return [self[f"q_{code}"] for code, _ in QUESTIONS_SATISFACTION]

    def reponses(self):
        return {code: self.cleaned_data.get(f"q_{code}") for code, _ in QUESTIONS_SATISFACTION}

    def add_service_errors(self, exc):
        if hasattr(exc, "error_dict"):
            for code, _ in QUESTIONS_SATISFACTION:
                if code in exc.error_dict:
                    self.add_error(f"q_{code}", exc.error_dict.pop(code))
        super().add_service_errors(exc)


class TrancheForm(forms.Form):
    qf_min = forms.IntegerField(
        label="Quotient familial à partir de (€)",
        min_value=0,
        error_messages={
            "required": "Indiquez la borne basse.",
            "invalid": "Indiquez un nombre entier d'euros.",
            "min_value": "Un quotient familial ne peut être négatif.",
        },
    )
    qf_max = forms.IntegerField(
        label="Jusqu'à (€, inclus)",
        min_value=0,
        required=False,
        help_text="Vide : sans limite.",
        error_messages={
            "invalid": "Indiquez un nombre entier d'euros.",
            "min_value": "Un quotient familial ne peut être négatif.",
        },
    )
    part_famille = forms.DecimalField(
        label="Part de la famille (%)",
        localize=True,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        error_messages={
            "required": "Indiquez la part payée par la famille.",
            "invalid": "Indiquez un pourcentage, par exemple 10 ou 12,5.",
            # Django formats these messages with their limit: "%%" is a literal "%".
            "min_value": "La part de la famille est comprise entre 0 et 100 %%.",
            "max_value": "La part de la famille est comprise entre 0 et 100 %%.",
            "max_decimal_places": "Une part a au plus deux chiffres après la virgule.",
            "max_digits": "La part de la famille est comprise entre 0 et 100 %%.",
        },
    )


class BaseGrilleFormSet(forms.BaseFormSet):
    def lignes(self):
        """The brackets kept (filled and not marked for deletion), in the form's order."""
        return [
            (form, {k: form.cleaned_data[k] for k in ("qf_min", "qf_max", "part_famille")})
            for form in self.forms
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        ]


GrilleFormSet = forms.formset_factory(
    TrancheForm, formset=BaseGrilleFormSet, extra=2, can_delete=True
)


class BudgetForm(ServiceErrorsMixin, forms.Form):
    annee = forms.IntegerField(
        label="Année",
        min_value=2000,
        max_value=2099,
        error_messages=ANNEE_MESSAGES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    financeur = forms.ModelChoiceField(
        label="Financeur",
        queryset=None,
        empty_label=EMPTY_LABEL,
        error_messages={
            "required": "Choisissez le financeur.",
            "invalid_choice": "Choisissez un financeur de la liste.",
        },
    )
    montant = MontantField(label="Montant (€)", required=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].queryset = selectors_parcours.organisations_choix(user)
        self.fields["montant"].error_messages["required"] = "Indiquez le montant."
