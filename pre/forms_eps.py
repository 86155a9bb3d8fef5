"""Forms of the EPS pages: a team and its members, a commission, its agenda, attendance,
decisions and minutes. Labels and messages are what users read: French."""

from django import forms

from cdv.models import User
from pre.enums import DecisionEPS, KindReperant
from pre.models import EquipeEPS, Reperage

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EMPTY_LABEL = "— Choisir —"
REQUIRED = {"required": "Ce champ est obligatoire."}


def _libelle_membre(user):
    return user.get_full_name() or user.email


def libelle_reperage(reperage):
    """How a referral reads in the agenda's choice: the child's number and name, when and
    by whom it was spotted (only the PRE's staff see this form)."""
    enfant = reperage.enfant
    reperant = KindReperant(reperage.reperant).label if reperage.reperant else "—"
    return (
        f"Enfant n° {enfant.pk} — {enfant.prenom or ''} {enfant.nom or ''} — "
        f"repéré le {reperage.date:%d/%m/%Y} ({reperant})"
    )


class EquipeForm(forms.Form):
    nom = forms.CharField(
        label="Nom de l'équipe",
        max_length=100,
        error_messages={**REQUIRED, "max_length": "Le nom compte au plus 100 caractères."},
        help_text="Par exemple : Ouest, Centre-ville.",
    )


class MembresForm(forms.Form):
    membres = forms.ModelMultipleChoiceField(
        label="Membres de l'équipe",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les personnes du contrat ayant le rôle de membre d'EPS ou de référent PRE. "
        "Décochez une personne pour la retirer de l'équipe.",
        error_messages={"invalid_choice": "Choisissez les membres parmi les personnes proposées."},
    )

    def __init__(self, *args, possibles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membres"].queryset = possibles
        self.fields["membres"].label_from_instance = _libelle_membre


class CommissionForm(forms.Form):
    equipe = forms.ModelChoiceField(
        label="Équipe",
        queryset=EquipeEPS.objects.none(),
        empty_label=EMPTY_LABEL,
        error_messages={**REQUIRED, "invalid_choice": "Choisissez une équipe de ce contrat."},
    )
    date = forms.DateField(
        label="Date de la commission",
        widget=DATE_WIDGET,
        error_messages={**REQUIRED, "invalid": "Saisissez une date valide (jj/mm/aaaa)."},
    )

    def __init__(self, *args, equipes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipe"].queryset = equipes


class SituationForm(forms.Form):
    reperage = forms.ModelChoiceField(
        label="Situation à inscrire",
        queryset=Reperage.objects.none(),
        empty_label=EMPTY_LABEL,
        help_text="Les repérages sur lesquels aucune commission n'a encore statué.",
        error_messages={
            **REQUIRED,
            "invalid_choice": "Choisissez un repérage proposé dans la liste.",
        },
    )

    def __init__(self, *args, reperages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reperage"].queryset = reperages
        self.fields["reperage"].label_from_instance = libelle_reperage


class PresentsForm(forms.Form):
    presents = forms.ModelMultipleChoiceField(
        label="Membres présents",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Les présents sont choisis parmi les membres de l'équipe."
        },
    )

    def __init__(self, *args, membres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presents"].queryset = membres
        self.fields["presents"].label_from_instance = _libelle_membre


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("", EMPTY_LABEL), *DecisionEPS.choices],
        error_messages={
            "required": "Choisissez la décision de la commission.",
            "invalid_choice": "Choisissez une décision proposée dans la liste.",
        },
    )
    date_entree = forms.DateField(
        label="Date d'entrée en parcours",
        required=False,
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Indiquez une date, par exemple 25/11/2026."},
        help_text="Pour une entrée en parcours ; par défaut, le jour de la commission.",
    )
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompteRenduForm(forms.Form):
    compte_rendu = forms.CharField(
        label="Compte rendu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Visible des seuls membres de l'équipe et de l'équipe du PRE.",
    )
