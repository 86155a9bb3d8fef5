"""Forms of the contract core's pages. Labels and messages are what users read: French."""

from django import forms
from django.contrib.auth import forms as auth_forms

from cdv.models import User

EMAIL_LABEL = "Adresse électronique"
EMAIL_TAKEN = "Une personne utilise déjà cette adresse électronique."


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=EMAIL_LABEL,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": (
            "Adresse électronique ou mot de passe incorrect. "
            "Vérifiez votre saisie ; le mot de passe tient compte des majuscules."
        ),
        "inactive": "Ce compte est désactivé.",
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=EMAIL_LABEL,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ContratChoiceForm(forms.Form):
    contrat = forms.IntegerField(min_value=1)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=EMAIL_LABEL,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="La personne recevra à cette adresse un lien pour choisir son mot de passe.",
    )
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    roles = forms.ModelMultipleChoiceField(
        label="Rôles",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choisissez au moins un rôle.",
            "invalid_choice": "Vous ne pouvez pas confier ce rôle.",
        },
    )
    est_admin_organisation = forms.BooleanField(
        label="Administrateur de l'organisation",
        required=False,
        help_text="Pourra à son tour inviter des personnes de l'organisation.",
    )

    def __init__(self, *args, grantable_roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].queryset = grantable_roles

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_TAKEN)
        return email
