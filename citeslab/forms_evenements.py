"""Forms of CitésLab's events: the list's filters and the event form. Labels and messages
are what users read: French, next to the field they concern."""

from django import forms

from cdv.models import Organisation
from citeslab.enums import KindEvenement
from citeslab.forms import BeneficiairesChoix
from citeslab.models import Beneficiaire, Evenement
from pre.forms import DATE_INVALIDE, DATE_WIDGET, EMPTY_LABEL, ErreursMixin
from quartiers.models import Quartier


class OrganisationsChoix(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nom} ({obj.sigle})" if obj.sigle else obj.nom


def organisations_choix(user):
    """The directory of organisations the user reads, active ones, by name."""
    return Organisation.objects.for_user(user).filter(active=True).order_by("nom", "pk")


class FiltreEvenementsForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous"), *KindEvenement.choices]
    )

    def __init__(self, *args, annees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Toutes"), *((a, str(a)) for a in annees)]

    def filtrer(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data["annee"]:
            queryset = queryset.filter(date__year=self.cleaned_data["annee"])
        if self.cleaned_data["kind"]:
            queryset = queryset.filter(kind=self.cleaned_data["kind"])
        return queryset


class EvenementForm(ErreursMixin, forms.ModelForm):
    """An event; the registered beneficiaries are people of the contract, no more than the
    participants (Evenement.valider_inscrits)."""

    ancre = "#evenement-form"
    partenaires = OrganisationsChoix(
        label="Organisations partenaires",
        queryset=Organisation.objects.none(),  # unscoped: none, set below
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choisissez les partenaires dans la liste proposée."},
    )
    inscrits = BeneficiairesChoix(
        label="Bénéficiaires inscrits",
        queryset=Beneficiaire.objects.none(),  # unscoped: none, set below
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les bénéficiaires de CitésLab inscrits, quand on les connaît.",
        error_messages={"invalid_choice": "Choisissez des bénéficiaires de ce contrat."},
    )

    class Meta:
        model = Evenement
        fields = ["kind", "titre", "date", "lieu", "quartier", "participants"]
        widgets = {
            "date": DATE_WIDGET,
            "participants": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        error_messages = {
            "kind": {"required": "Indiquez le type d'événement."},
            "titre": {"required": "Indiquez le titre de l'événement."},
            "date": {"required": "Indiquez la date de l'événement.", "invalid": DATE_INVALIDE},
            "participants": {
                "required": "Indiquez le nombre de participants.",
                "invalid": "Indiquez un nombre de participants, par exemple 12.",
                "min_value": "Le nombre de participants ne peut être négatif.",
            },
        }

    def __init__(self, *args, contrat, user, beneficiaires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", EMPTY_LABEL), *KindEvenement.choices]
        self.fields["quartier"].queryset = Quartier.objects.filter(contrat=contrat).order_by(
            "kind", "nom"
        )
        self.fields["quartier"].empty_label = "Aucun"
        self.fields["partenaires"].queryset = organisations_choix(user)
        self.fields["inscrits"].queryset = beneficiaires
        if self.instance.pk:
            self.initial.setdefault("partenaires", [o.pk for o in self.instance.partenaires.all()])
            self.initial.setdefault("inscrits", [b.pk for b in self.instance.inscrits.all()])

    def clean(self):
        data = super().clean()
        if "inscrits" in data and data.get("participants") is not None:
            self.instance.participants = data["participants"]
            try:
                self.instance.valider_inscrits(data["inscrits"])
            except forms.ValidationError as exc:
                self.add_service_errors(exc)
        return data

    def _post_clean(self):
        # Evenement.clean() compares the participants with the registrations already saved;
        # the form's new ones were compared in clean() above, so that check is skipped here.
        self.instance._verifier_participants = lambda nombre: None
        try:
            super()._post_clean()
        finally:
            del self.instance._verifier_participants

    def donnees(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
