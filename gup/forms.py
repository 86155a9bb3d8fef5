"""Forms of the GUP's staff pages: diagnostics en marchant, signalements (creation,
correction, workflow steps, comments) and categories. Labels and messages are what users
read: French. Every choice is a record the user may see, of the current contract."""

from django import forms

from cdv.models import Organisation
from gup.enums import SourceSignalement
from gup.models import CategorieSignalement, Diagnostic, Signalement
from gup.services_signalements import CHAMPS_MODIFIABLES
from quartiers.models import Quartier

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TAILLE_MAX_TEXTE = 5000
# What the coordination records on a page (the API and Open311 bring the others).
SOURCES_SAISIES = [c for c in SourceSignalement.choices if c[0] != SourceSignalement.API]


def _organisations(user):
    return Organisation.objects.for_user(user).filter(active=True).order_by("nom", "pk")


def _texte_borne(form, name):
    texte = form.cleaned_data.get(name, "")
    if len(texte) > TAILLE_MAX_TEXTE:
        raise forms.ValidationError(
            f"Ce texte dépasse {TAILLE_MAX_TEXTE} caractères ({len(texte)}) : résumez-le."
        )
    return texte


def _libelle_organisation(organisation):
    return f"{organisation.nom} ({organisation.sigle})" if organisation.sigle else organisation.nom


class VersionField(forms.IntegerField):
    """The version the user read, sent back with the form."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, required=False, min_value=1, **kwargs)


# Diagnostics en marchant --------------------------------------------------------------------


class DiagnosticForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Diagnostic
        fields = ["quartier", "date", "secteur", "participants", "nb_habitants", "compte_rendu"]
        widgets = {
            "date": DATE_WIDGET,
            "participants": forms.CheckboxSelectMultiple,
            "compte_rendu": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "quartier": {
                "required": "Choisissez le quartier parcouru.",
                "invalid_choice": "Choisissez un quartier du contrat.",
            },
            "date": {
                "required": "Indiquez la date du diagnostic.",
                "invalid": "Saisissez une date valide, par exemple 14/04/2026.",
            },
            "nb_habitants": {"min_value": "Le nombre d'habitants ne peut être négatif."},
        }

    def __init__(self, *args, contrat, user, **kwargs):
        super().__init__(*args, **kwargs)
        quartier = self.fields["quartier"]
        quartier.queryset = Quartier.objects.for_user(user).filter(contrat=contrat).order_by("nom")
        quartier.empty_label = "Choisissez un quartier"
        participants = self.fields["participants"]
        participants.queryset = _organisations(user)
        participants.label_from_instance = _libelle_organisation
        participants.error_messages["invalid_choice"] = "Choisissez des organisations de la liste."
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_compte_rendu(self):
        return _texte_borne(self, "compte_rendu")


# Signalements ------------------------------------------------------------------------------


class _SignalementChoix:
    """The choices of a signalement's form, limited to the contract and to what the user
    sees."""

    def _limiter(self, *, contrat, user, categorie_actuelle=None):
        categorie = self.fields["categorie"]
        categories = CategorieSignalement.objects.for_user(user).filter(contrat=contrat)
        if categorie_actuelle is not None:
            categorie.queryset = categories.filter(active=True) | categories.filter(
                pk=categorie_actuelle.pk
            )
        else:
            categorie.queryset = categories.filter(active=True)
        categorie.empty_label = "Choisissez une catégorie"
        categorie.error_messages.update(
            required="Choisissez la catégorie du problème.",
            invalid_choice="Choisissez une catégorie active du contrat.",
        )
        organisation = self.fields["organisation_responsable"]
        organisation.queryset = _organisations(user)
        organisation.label_from_instance = _libelle_organisation
        organisation.error_messages["invalid_choice"] = "Choisissez une organisation de la liste."
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update(step="0.000001", inputmode="decimal")
            self.fields[name].error_messages["invalid"] = (
                "Saisissez un nombre, par exemple 43.2130."
            )

    def clean_description(self):
        description = _texte_borne(self, "description").strip()
        if not description:
            raise forms.ValidationError("Décrivez le problème constaté.")
        return description


class SignalementCreateForm(_SignalementChoix, forms.ModelForm):
    photo = forms.FileField(
        label="Photo",
        required=False,
        help_text="JPEG, PNG ou WebP. Les données de localisation et d'appareil sont retirées.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Signalement
        fields = [
            "quartier",
            "categorie",
            "description",
            "adresse",
            "latitude",
            "longitude",
            "source",
            "priorite",
            "organisation_responsable",
            "diagnostic",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "adresse": "Ou placez le problème par sa latitude et sa longitude.",
            "organisation_responsable": "Par défaut, celle de la catégorie.",
        }
        error_messages = {
            "quartier": {
                "required": "Choisissez le quartier du problème.",
                "invalid_choice": "Choisissez un quartier du contrat.",
            },
            "description": {"required": "Décrivez le problème constaté."},
        }

    def __init__(self, *args, contrat, user, **kwargs):
        super().__init__(*args, **kwargs)
        quartier = self.fields["quartier"]
        quartier.queryset = Quartier.objects.for_user(user).filter(contrat=contrat).order_by("nom")
        quartier.empty_label = "Choisissez un quartier"
        self.fields["source"].choices = SOURCES_SAISIES
        self._limiter(contrat=contrat, user=user)
        self.fields["organisation_responsable"].empty_label = "Celle de la catégorie"
        diagnostic = self.fields["diagnostic"]
        diagnostic.queryset = (
            Diagnostic.objects.for_user(user)
            .filter(quartier__contrat=contrat)
            .select_related("quartier")
        )
        diagnostic.empty_label = "Aucun"
        diagnostic.error_messages["invalid_choice"] = "Choisissez un diagnostic du contrat."


class SignalementEditForm(_SignalementChoix, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Signalement
        fields = CHAMPS_MODIFIABLES
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "echeance": DATE_WIDGET}
        error_messages = {
            "echeance": {"invalid": "Saisissez une date valide, par exemple 30/04/2026."}
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        contrat_id = self.instance.quartier.contrat_id
        self._limiter(contrat=contrat_id, user=user, categorie_actuelle=self.instance.categorie)
        self.fields["organisation_responsable"].empty_label = "Aucune pour l'instant"
        self.fields["version"].initial = self.instance.version


class TransitionForm(forms.Form):
    """One step of the workflow, as its own form on the signalement's page (prefixed by its
    code, so that the fields of several steps keep distinct ids)."""

    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    organisation = forms.ModelChoiceField(
        label="Organisation responsable",
        queryset=Organisation.objects.none(),  # unscoped: none, set below
        required=False,
        empty_label="Choisissez une organisation",
        error_messages={"invalid_choice": "Choisissez une organisation de la liste."},
    )
    original = forms.ModelChoiceField(
        label="Signalement d'origine",
        queryset=Signalement.objects.none(),  # unscoped: none, set below
        required=False,
        empty_label="Choisissez le signalement d'origine",
        error_messages={"invalid_choice": "Choisissez un signalement ouvert du même contrat."},
    )
    version = VersionField()

    def __init__(self, *args, transition, signalement, user, **kwargs):
        super().__init__(*args, prefix=transition.code, **kwargs)
        self.transition = transition
        code = transition.code
        commentaire = self.fields["commentaire"]
        commentaire.required = transition.commentaire_requis
        commentaire.error_messages["required"] = "Expliquez cette étape en quelques mots."
        if code in ("transmettre", "reattribuer"):
            organisation = self.fields["organisation"]
            organisation.queryset = _organisations(user)
            organisation.label_from_instance = _libelle_organisation
            organisation.initial = (
                signalement.organisation_responsable_id if code == "transmettre" else None
            )
            organisation.required = True
            organisation.error_messages["required"] = (
                "Choisissez l'organisation à qui transmettre le signalement."
            )
        else:
            del self.fields["organisation"]
        if code == "marquer_doublon":
            original = self.fields["original"]
            original.queryset = (
                Signalement.objects.for_user(user)
                .ouverts()
                .filter(quartier__contrat_id=signalement.quartier.contrat_id)
                .exclude(pk=signalement.pk)
                .select_related("categorie")
                .order_by("-signale_le", "-pk")
            )
            original.label_from_instance = lambda s: (
                f"N° {s.pk} — {s.categorie.libelle} — {s.adresse or s.description[:60]}"
            )
            original.required = True
            original.error_messages["required"] = "Indiquez le signalement d'origine."
        else:
            del self.fields["original"]
        self.fields["version"].initial = signalement.version


class CommentaireForm(forms.Form):
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label="Photo",
        required=False,
        help_text="JPEG, PNG ou WebP. Les données de localisation et d'appareil sont retirées.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    public = forms.BooleanField(
        label="Visible de la personne qui a signalé le problème (lien de suivi)",
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="suivi", **kwargs)

    def clean_commentaire(self):
        return _texte_borne(self, "commentaire")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("commentaire", "").strip() and not cleaned.get("photo"):
            raise forms.ValidationError("Écrivez un commentaire ou joignez une photo.")
        return cleaned


# Categories --------------------------------------------------------------------------------


class CategorieForm(forms.ModelForm):
    class Meta:
        model = CategorieSignalement
        fields = [
            "code",
            "libelle",
            "organisation_responsable",
            "delai_cible_jours",
            "ordre",
            "active",
        ]
        help_texts = {
            "code": "Identifiant court en minuscules, sans espace (exemple : eclairage).",
        }
        error_messages = {
            "code": {
                "required": "Indiquez un code.",
                "invalid": "Le code ne contient que des lettres sans accent, chiffres, - et _.",
            },
            "libelle": {"required": "Indiquez le libellé de la catégorie."},
            "delai_cible_jours": {
                "required": "Indiquez le délai visé, en jours.",
                "min_value": "Le délai visé est d'au moins 1 jour.",
                "max_value": "Le délai visé ne dépasse pas 366 jours.",
                "invalid": "Saisissez un nombre entier de jours.",
            },
        }

    def __init__(self, *args, contrat, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.contrat = contrat
        if self.instance.pk:
            # The code identifies the category for the API and the imports: it stays.
            del self.fields["code"]
        organisation = self.fields["organisation_responsable"]
        organisation.queryset = _organisations(user)
        organisation.label_from_instance = _libelle_organisation
        organisation.empty_label = "Aucune (la coordination choisira)"
        organisation.error_messages["invalid_choice"] = "Choisissez une organisation de la liste."


def erreurs_du_service(form, exc):
    """Put a service's ValidationError on the form's fields (the others on the form)."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, textes in messages.items():
        cible = name if name in form.fields else None
        for texte in textes:
            form.add_error(cible, texte)
