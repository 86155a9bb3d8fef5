"""Forms of the funders' opinions and of the programming committee. Labels and messages are
what users read: French."""

from decimal import Decimal

from django import forms

from programmation.enums import TRANSITIONS, SensAvis
from programmation.forms import error_dict
from programmation.services import COMITE_DECISIONS, COMMENT_REQUIRED

NEGATIF = "Un montant ne peut être négatif."
PAS_UN_MONTANT = "Indiquez un montant en euros, par exemple 1 500 ou 1 500,50."
SPACES = (" ", "\u00a0", "\u202f")


class MontantField(forms.DecimalField):
    """An amount in euros typed as people write it: "1 500", "1 500,50" or "1500.50"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("localize", True)
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)
        self.error_messages.update(
            {
                "invalid": PAS_UN_MONTANT,
                "min_value": NEGATIF,
                "max_digits": "Ce montant est trop élevé.",
                "max_whole_digits": "Ce montant est trop élevé.",
                "max_decimal_places": "Un montant a au plus deux chiffres après la virgule.",
            }
        )
        # The validators were built before the messages changed.
        for validator in self.validators:
            if getattr(validator, "code", None) == "min_value":
                validator.message = NEGATIF

    def to_python(self, value):
        if isinstance(value, str):
            for space in SPACES:
                value = value.replace(space, "")
        return super().to_python(value)


class AvisForm(forms.Form):
    """The opinion of a solicited funder on an action."""

    sens = forms.ChoiceField(
        label="Avis",
        choices=SensAvis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez un avis : favorable, réservé ou défavorable."},
    )
    montant_propose = MontantField(
        label="Montant proposé",
        help_text="Le montant que votre organisation propose d'accorder, en euros.",
    )
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Visible du porteur de l'action.",
    )
    annotation_privee = forms.CharField(
        label="Annotation privée",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Visible des seuls instructeurs : le porteur ne la voit jamais.",
    )

    def add_service_errors(self, exc):
        """The service's refusal, next to the field it concerns (else at the top)."""
        for key, messages in error_dict(exc).items():
            self.add_error(key if key in self.fields else None, messages)

    def summary(self):
        """Every error as (anchor, what, message), for the page's error summary."""
        items = [("#avis-form", "Avis", message) for message in self.non_field_errors()]
        for field in self:
            for message in field.errors:
                anchor = f"#{field.auto_id}_0" if field.name == "sens" else f"#{field.auto_id}"
                items.append((anchor, field.label, message))
        return items


DECISIONS = [("", "Pas de décision aujourd'hui")] + [
    (code, TRANSITIONS[code].label) for code in TRANSITIONS if code in COMITE_DECISIONS
]


class DecisionForm(forms.Form):
    """The committee's decision on one action of the list: programmer with the amount granted
    by each solicited funder (prefilled with its proposed amount), refuser or ajourner."""

    decision = forms.ChoiceField(
        label="Décision", choices=DECISIONS, required=False, widget=forms.RadioSelect
    )
    commentaire = forms.CharField(
        label="Commentaire pour le porteur",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour refuser ou ajourner.",
    )

    def __init__(self, data=None, *, item):
        self.item = item  # a selectors.ActionComite
        action = item.action
        super().__init__(data, prefix=f"action-{action.pk}", initial={"decision": ""})
        self.montants = []
        for ligne in item.lignes:
            name = f"montant_{ligne.financement_id}"
            initial = ligne.accorde if ligne.accorde is not None else ligne.propose
            self.fields[name] = MontantField(
                label=f"Montant accordé par {ligne.financeur} ({ligne.nature.lower()})",
                initial=initial,
            )
            self.montants.append((ligne, name))

    @property
    def action(self):
        return self.item.action

    @property
    def lignes(self):
        """(line of the pack, its bound amount field), for the template."""
        return [(ligne, self[name]) for ligne, name in self.montants]

    @property
    def decidee(self):
        return bool(self.is_valid() and self.cleaned_data["decision"])

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision in COMMENT_REQUIRED and not (cleaned.get("commentaire") or "").strip():
            self.add_error("commentaire", "Expliquez cette décision au porteur.")
        return cleaned

    def montants_accordes(self):
        """{financement id: amount} for the service."""
        return {ligne.financement_id: self.cleaned_data[name] for ligne, name in self.montants}

    def add_service_errors(self, exc):
        """The service's refusal next to what it concerns: the comment, the amounts, or the
        action as a whole."""
        for key, messages in error_dict(exc).items():
            if key == "commentaire":
                self.add_error("commentaire", messages)
            elif key == "financements" and self.montants:
                self.add_error(self.montants[0][1], messages)
            else:
                self.add_error(None, messages)

    def summary(self):
        """Every error as (anchor, what, message), for the page's error summary."""
        intitule = self.action.intitule
        items = [
            (f"#decision-{self.action.pk}", intitule, message)
            for message in self.non_field_errors()
        ]
        for field in self:
            for message in field.errors:
                anchor = f"#{field.auto_id}_0" if field.name == "decision" else f"#{field.auto_id}"
                items.append((anchor, f"{intitule} — {field.label}", message))
        return items
