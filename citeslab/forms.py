"""Forms of CitésLab's people and support pages. Labels and messages are what users read:
French, next to the field they concern (the page's summary links to each)."""

from django import forms

from citeslab.enums import (
    SUIVANTES,
    CanalEntree,
    Etape,
    IssueOrientation,
    KindRencontre,
)
from citeslab.models import Beneficiaire, Creation, Orientation, ProjetCreation, Rencontre
from pre.forms import DATE_INVALIDE, DATE_WIDGET, EMPTY_LABEL, ErreursMixin
from quartiers.models import Quartier

OUI_NON_INCONNU = [("", "Pas encore connu"), ("oui", "Oui"), ("non", "Non")]


def _date(label, *, required=True, requis="Indiquez la date.", help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        help_text=help_text,
        error_messages={"required": requis, "invalid": DATE_INVALIDE},
    )


def _quartiers(contrat):
    return Quartier.objects.filter(contrat=contrat).order_by("kind", "nom")


def _sans_vide(field, vide=EMPTY_LABEL):
    field.choices = [("", vide), *((v, label) for v, label in field.choices if v != "")]


def nom_beneficiaire(beneficiaire):
    return f"{beneficiaire.nom.upper()} {beneficiaire.prenom} (n° {beneficiaire.pk})"


class BeneficiairesChoix(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return nom_beneficiaire(obj)


# The list's filters ------------------------------------------------------------------------


class FiltreBeneficiairesForm(forms.Form):
    q = forms.CharField(label="Nom ou prénom", required=False, max_length=100)
    quartier = forms.ChoiceField(label="Quartier", required=False)
    canal = forms.ChoiceField(
        label="Venu par", required=False, choices=[("", "Tous"), *CanalEntree.choices]
    )
    etape = forms.ChoiceField(
        label="Étape d'un projet", required=False, choices=[("", "Toutes"), *Etape.choices]
    )
    annee = forms.IntegerField(
        label="Année du premier contact",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "Indiquez une année, par exemple 2021.",
            "min_value": "Indiquez une année, par exemple 2021.",
            "max_value": "Indiquez une année, par exemple 2021.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    HORS_QUARTIER = "hors"

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].choices = [
            ("", "Tous"),
            *((str(q.pk), q.nom) for q in _quartiers(contrat)),
            (self.HORS_QUARTIER, "Autres communes (hors quartier)"),
        ]

    def filtrer(self, queryset):
        """The scoped queryset narrowed by the valid criteria (the name, encrypted, is
        searched by the view in Python)."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["quartier"] == self.HORS_QUARTIER:
            queryset = queryset.filter(quartier__isnull=True)
        elif data["quartier"]:
            queryset = queryset.filter(quartier_id=data["quartier"])
        if data["canal"]:
            queryset = queryset.filter(canal_entree=data["canal"])
        if data["etape"]:
            queryset = queryset.filter(projets__etape=data["etape"]).distinct()
        if data["annee"]:
            queryset = queryset.filter(date_premier_contact__year=data["annee"])
        return queryset


class FiltreRencontresForm(forms.Form):
    debut = _date("Du", required=False)
    fin = _date("Au", required=False)
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous"), *KindRencontre.choices]
    )
    quartier = forms.ModelChoiceField(
        label="Quartier", required=False, queryset=Quartier.objects.none(), empty_label="Tous"
    )

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = _quartiers(contrat)

    def filtrer(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["debut"]:
            queryset = queryset.filter(date__gte=data["debut"])
        if data["fin"]:
            queryset = queryset.filter(date__lte=data["fin"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["quartier"]:
            queryset = queryset.filter(quartier=data["quartier"])
        return queryset


# People ------------------------------------------------------------------------------------


class BeneficiaireForm(ErreursMixin, forms.ModelForm):
    """The person's identity and situation; `empreinte` is the state the user read."""

    ancre = "#beneficiaire-form"
    empreinte = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Beneficiaire
        fields = [
            "nom",
            "prenom",
            "telephone",
            "email",
            "sexe",
            "annee_naissance",
            "commune",
            "quartier",
            "statut_emploi",
            "niveau_formation",
            "canal_entree",
            "date_premier_contact",
            "consentement",
            "date_consentement",
        ]
        widgets = {
            "nom": forms.TextInput(attrs={"autocomplete": "off"}),
            "prenom": forms.TextInput(attrs={"autocomplete": "off"}),
            "telephone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "annee_naissance": forms.TextInput(attrs={"inputmode": "numeric"}),
            "date_premier_contact": DATE_WIDGET,
            "date_consentement": DATE_WIDGET,
        }
        error_messages = {
            "nom": {"required": "Indiquez le nom."},
            "prenom": {"required": "Indiquez le prénom."},
            "email": {"invalid": "Indiquez une adresse électronique valide (nom@exemple.fr)."},
            "sexe": {"required": "Indiquez le sexe."},
            "annee_naissance": {
                "required": "Indiquez l'année de naissance.",
                "invalid": "Indiquez une année, par exemple 1990.",
            },
            "commune": {"required": "Indiquez la commune de résidence."},
            "statut_emploi": {"required": "Indiquez la situation vis-à-vis de l'emploi."},
            "canal_entree": {"required": "Indiquez comment la personne est venue."},
            "date_premier_contact": {
                "required": "Indiquez la date du premier contact.",
                "invalid": DATE_INVALIDE,
            },
            "date_consentement": {"invalid": DATE_INVALIDE},
        }

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = _quartiers(contrat)
        self.fields["quartier"].empty_label = "Hors des quartiers du contrat"
        for name in ("sexe", "statut_emploi", "canal_entree"):
            _sans_vide(self.fields[name])
        _sans_vide(self.fields["niveau_formation"], "Non renseigné")
        consentement = self.fields["consentement"]
        consentement.required = True
        consentement.label = "La personne accepte que ses données soient enregistrées"
        consentement.error_messages["required"] = (
            "Recueillez le consentement de la personne avant d'enregistrer ses données."
        )

    def donnees(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# Meetings ----------------------------------------------------------------------------------


class RencontreForm(ErreursMixin, forms.ModelForm):
    ancre = "#rencontre-form"
    beneficiaires = BeneficiairesChoix(
        label="Bénéficiaires",
        queryset=Beneficiaire.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Une seule personne pour un entretien individuel ; plusieurs possibles pour "
        "une information collective, une permanence, un atelier.",
    )

    class Meta:
        model = Rencontre
        fields = ["date", "kind", "duree_minutes", "lieu", "quartier", "notes"]
        widgets = {
            "date": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "duree_minutes": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        error_messages = {
            "date": {"required": "Indiquez la date.", "invalid": DATE_INVALIDE},
            "kind": {"required": "Indiquez le type de rencontre."},
            "duree_minutes": {
                "required": "Indiquez la durée en minutes.",
                "invalid": "Indiquez une durée en minutes, par exemple 45.",
            },
        }

    def __init__(self, *args, contrat, beneficiaires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = _quartiers(contrat)
        self.fields["quartier"].empty_label = "Aucun"
        _sans_vide(self.fields["kind"])
        self.fields["beneficiaires"].queryset = beneficiaires
        self.fields["lieu"].help_text = "Obligatoire pour une permanence."

    def donnees(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# Projects ----------------------------------------------------------------------------------


class ProjetForm(ErreursMixin, forms.ModelForm):
    ancre = "#formulaire"
    date = _date("Date de début", requis="Indiquez la date de début du projet.")

    class Meta:
        model = ProjetCreation
        fields = ["idee", "secteur"]
        widgets = {"idee": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "idee": {"required": "Décrivez le projet en quelques mots."},
            "secteur": {"required": "Indiquez le secteur d'activité."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sans_vide(self.fields["secteur"])


class EtapeForm(ErreursMixin, forms.Form):
    """Only the stages the transitions table allows from the project's current one."""

    ancre = "#formulaire"
    etape = forms.ChoiceField(
        label="Nouvelle étape",
        error_messages={
            "required": "Choisissez la nouvelle étape.",
            "invalid_choice": "Choisissez une étape proposée.",
        },
    )
    date = _date("Atteinte le", requis="Indiquez la date à laquelle l'étape est atteinte.")

    def __init__(self, *args, projet, **kwargs):
        super().__init__(*args, **kwargs)
        self.projet = projet
        # Any stage validates here, so that one no longer allowed (the project moved in
        # another tab) gets the transitions' own message; only the allowed ones are offered.
        self.fields["etape"].choices = [("", EMPTY_LABEL), *Etape.choices]
        self.fields["etape"].widget.choices = [
            ("", EMPTY_LABEL),
            *((e.value, e.label) for e in Etape if e in SUIVANTES[projet.etape]),
        ]

    def clean_etape(self):
        etape = Etape(self.cleaned_data["etape"])
        if etape not in SUIVANTES[self.projet.etape]:
            actuelle = Etape(self.projet.etape).label
            raise forms.ValidationError(
                f"Un projet à l'étape « {actuelle} » ne peut passer à « {etape.label} »."
            )
        return etape


class OrientationForm(ErreursMixin, forms.ModelForm):
    ancre = "#formulaire"

    class Meta:
        model = Orientation
        fields = ["partenaire", "organisme", "date", "commentaire"]
        widgets = {"date": DATE_WIDGET, "commentaire": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "partenaire": {"required": "Indiquez le partenaire."},
            "date": {"required": "Indiquez la date de l'orientation.", "invalid": DATE_INVALIDE},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sans_vide(self.fields["partenaire"])
        self.fields["organisme"].help_text = "Obligatoire pour « Autre » ; par exemple le nom "
        "de la banque."


class IssueForm(ErreursMixin, forms.Form):
    ancre = "#formulaire"
    issue = forms.ChoiceField(
        label="Issue",
        choices=IssueOrientation.choices,
        error_messages={"required": "Indiquez l'issue."},
    )
    date_issue = _date("Issue connue le", required=False)
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        issue = data.get("issue")
        if issue and issue != IssueOrientation.EN_ATTENTE and not data.get("date_issue"):
            self.add_error("date_issue", "Indiquez la date à laquelle l'issue a été connue.")
        return data


class CreationForm(ErreursMixin, forms.ModelForm):
    ancre = "#formulaire"

    class Meta:
        model = Creation
        fields = ["date", "forme_juridique", "secteur", "denomination", "siret"]
        widgets = {
            "date": DATE_WIDGET,
            "siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }
        error_messages = {
            "date": {"required": "Indiquez la date de création.", "invalid": DATE_INVALIDE},
            "forme_juridique": {"required": "Indiquez la forme juridique."},
            "secteur": {"required": "Indiquez le secteur d'activité."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("forme_juridique", "secteur"):
            _sans_vide(self.fields[name])
        # Typed as printed on a Kbis (« 732 829 320 00074 »): spaces removed below.
        self.fields["siret"].max_length = None
        self.fields["siret"].validators = []
        self.fields["siret"].widget.attrs.pop("maxlength", None)

    def _post_clean(self):
        # The project's stage is checked (and moved to « créé ») by the service.
        pass

    def clean_siret(self):
        return (self.cleaned_data.get("siret") or "").replace(" ", "") or None

    def donnees(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _oui_non(valeur):
    return {"oui": True, "non": False}.get(valeur)


class SuiviForm(ErreursMixin, forms.Form):
    ancre = "#formulaire"
    active_1_an = forms.ChoiceField(label="Active à 1 an", choices=OUI_NON_INCONNU, required=False)
    active_3_ans = forms.ChoiceField(
        label="Active à 3 ans", choices=OUI_NON_INCONNU, required=False
    )

    @staticmethod
    def initial_of(creation):
        def code(valeur):
            return {True: "oui", False: "non"}.get(valeur, "")

        return {
            "active_1_an": code(creation.active_1_an),
            "active_3_ans": code(creation.active_3_ans),
        }

    def donnees(self):
        return {name: _oui_non(self.cleaned_data[name]) for name in self.fields}
