"""Forms of the residents' side: the report without an account, and the coordination's
moderation of each report."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from gup.models import CategorieSignalement
from gup.perimetres import contient
from quartiers.models import Quartier

# The field robots fill and people never see (hidden by CSS and from assistive technologies).
HONEYPOT = "site_web"


class ErreursMixin:
    # Where the summary's links lead for errors of the whole form and of hidden fields.
    ancre_formulaire = "#signalement-form"
    ancre_cachee = ("#carte-signalement", "Emplacement")

    def summary(self):
        """Every error as (anchor, what, message), for the page's error summary."""
        items = [(self.ancre_formulaire, "Formulaire", m) for m in self.non_field_errors()]
        for field in self:
            if field.is_hidden:
                items.extend((*self.ancre_cachee, m) for m in field.errors)
                continue
            for message in field.errors:
                anchor = f"#{field.auto_id}_0" if field.name == "action" else f"#{field.auto_id}"
                items.append((anchor, field.label, message))
        return items

    def add_service_errors(self, exc):
        """Put a service's ValidationError next to the field it concerns."""
        for name, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class SignalementPublicForm(ErreursMixin, forms.Form):
    """A resident's report: what, where (an address or a point on the map), an optional
    photo and an optional e-mail to receive the tracking link."""

    categorie = forms.ModelChoiceField(
        label="Type de problème",
        queryset=CategorieSignalement.objects.none(),
        empty_label="Choisissez le type de problème",
        error_messages={"required": "Choisissez le type de problème."},
    )
    quartier = forms.ModelChoiceField(
        label="Quartier",
        queryset=Quartier.objects.none(),
        empty_label="Choisissez le quartier",
        error_messages={"required": "Choisissez le quartier."},
    )
    description = forms.CharField(
        label="Description du problème",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce que vous constatez, depuis quand. N'indiquez pas de nom de personne.",
        error_messages={
            "required": "Décrivez le problème en quelques mots.",
            "max_length": "La description est limitée à 4 000 caractères.",
        },
    )
    adresse = forms.CharField(
        label="Adresse ou repère",
        max_length=255,
        required=False,
        help_text="Exemple : devant le 12 rue Buffon. Ou touchez la carte à l'endroit du problème.",
    )
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    photo = forms.FileField(
        label="Photo (facultative)",
        required=False,
        help_text="JPEG, PNG ou WebP, 8 Mo au plus. Les informations cachées de la photo "
        "(lieu, appareil) sont effacées.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    email = forms.EmailField(
        label="Votre adresse électronique (facultative)",
        required=False,
        help_text="Pour recevoir le lien de suivi. Elle n'est jamais publiée.",
        error_messages={"invalid": "Saisissez une adresse électronique valide."},
    )
    site_web = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.contrat = contrat
        self.fields["categorie"].queryset = CategorieSignalement.objects.filter(  # unscoped: public
            contrat=contrat, active=True
        ).order_by("ordre", "libelle")
        self.fields["quartier"].queryset = Quartier.objects.filter(  # unscoped: public
            contrat=contrat
        ).order_by("nom")
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["adresse"].widget.attrs["autocomplete"] = "street-address"

    def est_un_robot(self):
        """Whether the hidden field was filled: a person never sees it."""
        return bool((self.data.get(HONEYPOT) or "").strip())

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            raise ValidationError("Le point placé sur la carte est incomplet : touchez à nouveau.")
        if not (data.get("adresse") or "").strip() and latitude is None:
            self.add_error(
                "adresse", "Indiquez une adresse ou touchez la carte à l'endroit du problème."
            )
        quartier = data.get("quartier")
        if quartier and latitude is not None and quartier.perimetre:
            if not contient(quartier.perimetre, longitude, latitude):
                self.add_error(
                    "quartier",
                    "Le point placé sur la carte n'est pas dans ce quartier : choisissez le "
                    "bon quartier ou déplacez le point.",
                )
        return data


ACTIONS_MODERATION = [
    ("transmettre", "Transmettre à l'organisation responsable"),
    ("marquer_doublon", "Marquer comme doublon d'un autre signalement"),
    ("clore_sans_suite", "Clore sans suite"),
]


class ModerationForm(ErreursMixin, forms.Form):
    """The coordination's decision on a resident's report: transmit it to a body, mark it a
    duplicate of another report, or close it with an explanation."""

    action = forms.ChoiceField(
        label="Décision",
        choices=ACTIONS_MODERATION,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une décision."},
    )
    organisation = forms.TypedChoiceField(
        label="Organisation responsable", coerce=int, required=False, empty_value=None
    )
    original = forms.IntegerField(
        label="N° du signalement d'origine",
        required=False,
        min_value=1,
        help_text="Pour un doublon : le numéro du signalement déjà connu.",
    )
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Visible par le signalant sur son lien de suivi. Obligatoire pour clore "
        "sans suite.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, signalement, organisations, **kwargs):
        kwargs.setdefault("prefix", f"s{signalement.pk}")
        kwargs.setdefault(
            "initial",
            {"organisation": signalement.organisation_responsable_id,
             "version": signalement.version},
        )  # fmt: skip
        super().__init__(*args, **kwargs)
        self.signalement = signalement
        self.ancre_formulaire = f"#moderation-{signalement.pk}"
        self.ancre_cachee = (self.ancre_formulaire, "Signalement")
        self.fields["organisation"].choices = [("", "Choisissez l'organisation"), *organisations]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "transmettre" and not data.get("organisation"):
            self.add_error("organisation", "Choisissez l'organisation à qui transmettre.")
        if action == "marquer_doublon" and not data.get("original"):
            self.add_error("original", "Indiquez le numéro du signalement d'origine.")
        if action == "clore_sans_suite" and not (data.get("commentaire") or "").strip():
            self.add_error("commentaire", "Expliquez pourquoi le signalement est clos.")
        return data

    def summary(self):
        numero = f"N° {self.signalement.pk}"
        return [
            (ancre, f"{numero} — {quoi}", message) for ancre, quoi, message in super().summary()
        ]
