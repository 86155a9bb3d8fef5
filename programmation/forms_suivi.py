"""Forms of the follow-up after the committee: the convention, the payment, the bilan
(CERFA 15059). Only each value's own form is checked here: the rules (amounts granted, CPO
years, payments within the convention, a complete bilan) are the services'."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from cdv import formats
from programmation.enums import CPO_ANNEES_MAX, KindVersement
from programmation.forms import DATE_WIDGET, EMPTY_LABEL, error_dict
from programmation.forms_comite import MontantField
from programmation.models import Bilan
from programmation.services import BILAN_CHAMPS

TEXTAREA = {"rows": 4}


class _ServiceErrors:
    """Put a service's refusal next to the field it concerns, else at the top of the form."""

    def add_service_errors(self, exc):
        for key, messages in error_dict(exc).items():
            self.add_error(self.field_of(key), messages)

    def field_of(self, key):
        return key if key in self.fields else None

    def summary(self, anchor, what):
        """Every error as (anchor, what, message), for the page's error summary."""
        items = [(anchor, what, message) for message in self.non_field_errors()]
        for field in self:
            for message in field.errors:
                items.append((f"#{field.auto_id}", field.label, message))
        return items


# Conventions -------------------------------------------------------------------------------


class ConventionForm(_ServiceErrors, forms.Form):
    """The convention signed with one funder that granted an amount: a yearly one, or a
    multi-year one (CPO) with the amount of each following year."""

    financeur = forms.ModelChoiceField(
        label="Financeur",
        queryset=None,
        empty_label=EMPTY_LABEL,
        error_messages={"required": "Choisissez le financeur signataire."},
    )
    date_signature = forms.DateField(
        label="Date de signature",
        widget=DATE_WIDGET,
        error_messages={"required": "Indiquez la date de signature de la convention."},
    )
    numero = forms.CharField(label="Numéro de la convention", max_length=60, required=False)
    duree = forms.TypedChoiceField(
        label="Durée de la convention", coerce=int, initial=1, widget=forms.RadioSelect
    )

    def __init__(self, data=None, *, action, financeurs, a_conventionner):
        """`financeurs`: the organisations (a scoped queryset) among which to choose;
        `a_conventionner`: their selectors.MontantsFinanceur rows, for the amounts."""
        super().__init__(data)
        self.annee = action.appel.annee
        accordes = {ligne.financeur_id: ligne.accorde for ligne in a_conventionner}
        field = self.fields["financeur"]
        field.queryset = financeurs.filter(pk__in=accordes).order_by("nom")
        field.label_from_instance = lambda o: (
            f"{o.nom} — {formats.montant(accordes[o.pk])} accordés"
        )
        self.fields["duree"].choices = [
            (n, f"{n} an : convention annuelle {self.annee}")
            if n == 1
            else (n, f"{n} ans : CPO {self.annee}–{self.annee + n - 1}")
            for n in range(1, CPO_ANNEES_MAX + 1)
        ]
        self.erreurs_annees = []
        self.annees = [self.annee + n for n in range(1, CPO_ANNEES_MAX)]
        for annee in self.annees:
            self.fields[f"montant_{annee}"] = MontantField(label=f"Montant {annee}")

    @property
    def champs_annees(self):
        return [self[f"montant_{annee}"] for annee in self.annees]

    def service_kwargs(self):
        """The service's arguments: the following years' amounts within the chosen length."""
        cleaned = self.cleaned_data
        annees = {
            annee: cleaned[f"montant_{annee}"] for annee in self.annees[: cleaned["duree"] - 1]
        }
        return {
            "financeur": cleaned["financeur"],
            "date_signature": cleaned["date_signature"],
            "numero": cleaned["numero"],
            "annees": annees or None,
        }

    def add_service_errors(self, exc):
        for key, messages in error_dict(exc).items():
            if key in ("annees", "annee_fin"):
                self.erreurs_annees.extend(messages)
            else:
                self.add_error(self.field_of(key), messages)

    def summary(self):
        items = super().summary("#convention-form", "Convention")
        items += [("#annees", "Montants des années suivantes", m) for m in self.erreurs_annees]
        return items


# Payments ----------------------------------------------------------------------------------


class VersementForm(_ServiceErrors, forms.Form):
    """A payment under a convention: its kind, amount, date and reference."""

    kind = forms.ChoiceField(
        label="Nature du versement",
        choices=KindVersement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la nature du versement."},
    )
    montant = MontantField(
        label="Montant",
        required=True,
        help_text="En euros, par exemple 2 500 ou 2 500,50.",
        error_messages={"required": "Indiquez le montant versé."},
    )
    date = forms.DateField(
        label="Date du versement",
        widget=DATE_WIDGET,
        error_messages={"required": "Indiquez la date du versement."},
    )
    reference = forms.CharField(
        label="Référence",
        max_length=100,
        required=False,
        help_text="Le numéro du mandat ou de l'ordre de paiement, par exemple.",
    )

    def summary(self):
        items = super().summary("#versement-form", "Versement")
        # A radio group is reached by its first button.
        return [
            (f"{anchor}_0" if anchor == f"#{self['kind'].auto_id}" else anchor, what, message)
            for anchor, what, message in items
        ]


# The bilan ---------------------------------------------------------------------------------


class ValeurField(MontantField):
    """A number as people write it ("1 234,5"), of any sign: an indicator's value."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", None)
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Indiquez un nombre, par exemple 40 ou 12,5."


class BilanForm(_ServiceErrors, forms.Form):
    """The porteur's bilan: its own fields, the realised amount and the explanation of the gap
    of each budget line, the value achieved by each indicator, the beneficiaries per quartier.

    Field names follow the keys of the service's errors: the bilan's fields by their name,
    `ligne_<id>` (realised) with `ligne_<id>_justification`, `indicateur_<id>`, and
    `quartier_<id>`."""

    def __init__(self, data=None, *, bilan, ecarts, indicateurs, quartiers):
        """`ecarts`: selectors.ecarts_budget rows; `indicateurs`: the action's indicators;
        `quartiers`: (quartier, beneficiaries or None) pairs."""
        super().__init__(data, initial=self._initial(bilan, ecarts, indicateurs, quartiers))
        self.fields.update(
            forms.fields_for_model(
                Bilan,
                fields=BILAN_CHAMPS,
                localized_fields=["part_qpv"],
                widgets={
                    "tranches_age": forms.Textarea(attrs={"rows": 2}),
                    "mise_en_oeuvre": forms.Textarea(attrs=TEXTAREA),
                    "resultats": forms.Textarea(attrs=TEXTAREA),
                    "difficultes": forms.Textarea(attrs=TEXTAREA),
                    "suites": forms.Textarea(attrs=TEXTAREA),
                    "part_qpv": forms.TextInput(attrs={"inputmode": "decimal"}),
                },
            )
        )
        for name in ("beneficiaires_total", "femmes", "hommes"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "numeric"})
        self.fields["part_qpv"].help_text = "En pourcentage des bénéficiaires, de 0 à 100."
        self.ecarts = {ligne.ligne_id: ligne for ligne in ecarts}
        self.lignes = []
        for ligne in ecarts:
            realise, justification = f"ligne_{ligne.ligne_id}", f"ligne_{ligne.ligne_id}_j"
            self.fields[realise] = MontantField(label=f"Réalisé : {ligne.libelle}")
            self.fields[justification] = forms.CharField(
                label=f"Explication de l'écart : {ligne.libelle}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.lignes.append((ligne, realise, justification))
        self.indicateurs = []
        for indicateur in indicateurs:
            name = f"indicateur_{indicateur.pk}"
            self.fields[name] = ValeurField(label=f"Valeur atteinte : {indicateur.libelle}")
            self.indicateurs.append((indicateur, name))
        self.quartiers = []
        for quartier, _ in quartiers:
            name = f"quartier_{quartier.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"Bénéficiaires : {quartier.nom}",
                required=False,
                min_value=0,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )
            self.quartiers.append((quartier, name))
        self.erreurs_budget, self.erreurs_quartiers = [], []

    @staticmethod
    def _initial(bilan, ecarts, indicateurs, quartiers):
        initial = {name: getattr(bilan, name) for name in BILAN_CHAMPS} if bilan else {}
        for ligne in ecarts:
            initial[f"ligne_{ligne.ligne_id}"] = ligne.realise
            initial[f"ligne_{ligne.ligne_id}_j"] = ligne.justification
        for indicateur in indicateurs:
            initial[f"indicateur_{indicateur.pk}"] = indicateur.realise
        for quartier, beneficiaires in quartiers:
            initial[f"quartier_{quartier.pk}"] = beneficiaires
        return initial

    # What the template lays out as tables: (row, bound field…).

    @property
    def lignes_budget(self):
        return [(ligne, self[realise], self[j]) for ligne, realise, j in self.lignes]

    @property
    def champs_indicateurs(self):
        return [(indicateur, self[name]) for indicateur, name in self.indicateurs]

    @property
    def champs_quartiers(self):
        return [(quartier, self[name]) for quartier, name in self.quartiers]

    def service_kwargs(self):
        """bilan_save's arguments, from the cleaned data."""
        cleaned = self.cleaned_data
        return {
            **{name: cleaned[name] for name in BILAN_CHAMPS},
            "lignes": {
                ligne.ligne_id: {
                    "montant_realise": cleaned[realise],
                    "justification_ecart": cleaned[j],
                }
                for ligne, realise, j in self.lignes
            },
            "indicateurs": {indicateur.pk: cleaned[name] for indicateur, name in self.indicateurs},
            "quartiers": {quartier.pk: cleaned[name] for quartier, name in self.quartiers},
        }

    def field_of(self, key):
        """A budget line's error goes to its explanation when the amount is there and the gap
        must be explained (as the saved bilan says), else to its realised amount."""
        if key.startswith("ligne_") and key in self.fields:
            ligne = self.ecarts.get(int(key.removeprefix("ligne_")))
            if ligne and ligne.realise is not None and ligne.justification_requise:
                return f"{key}_j"
        return super().field_of(key)

    def show_errors(self, errors):
        """Put the service's errors ({key: [messages]}) next to what they concern, on a
        bound form (after saving) or an unbound one (after a refused deposit)."""
        form_errors = self.errors  # on an unbound form: an empty ErrorDict to fill
        for key, messages in errors.items():
            if key == "budget":
                self.erreurs_budget.extend(messages)
                continue
            if key == "quartiers":
                self.erreurs_quartiers.extend(messages)
                continue
            name = self.field_of(key) or NON_FIELD_ERRORS
            kind = "nonfield" if name == NON_FIELD_ERRORS else None
            form_errors.setdefault(
                name, self.error_class(error_class=kind, renderer=self.renderer)
            ).extend(messages)

    def add_service_errors(self, exc):
        self.show_errors(error_dict(exc))

    def summary(self):
        items = super().summary("#bilan-form", "Bilan")
        items += [("#section-budget", "Budget réalisé", m) for m in self.erreurs_budget]
        quartiers = "Bénéficiaires par quartier"
        items += [("#section-quartiers", quartiers, m) for m in self.erreurs_quartiers]
        return items
