"""The capture of a diagnostic en marchant on a phone.

The page works as a plain form (POST to the page itself) and, with JavaScript, keeps every
entry in the browser (IndexedDB) before sending it to `saisie_envoyer`, which answers JSON.
An entry carries the uuid the browser gave it: sent twice, it is recorded once.
"""

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gup import perms, services
from gup.enums import Priorite, SourceSignalement
from gup.models import CategorieSignalement, Diagnostic, Signalement
from quartiers.geojson import feature_collection

# How long after the walk an entry may still be sent (a phone left offline for days).
ANCIENNETE_MAX = datetime.timedelta(days=30)
# A phone's clock may run a little ahead of the server's.
AVANCE_TOLEREE = datetime.timedelta(minutes=5)
MICRO_DEGRE = Decimal("0.000001")


class SaisieForm(forms.Form):
    """One problem seen during the walk."""

    client_uuid = forms.UUIDField(
        label="Identifiant de saisie",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Identifiant de saisie manquant : rechargez la page.",
            "invalid": "Identifiant de saisie invalide : rechargez la page.",
        },
    )
    categorie = forms.ModelChoiceField(
        label="Catégorie",
        queryset=CategorieSignalement.objects.none(),
        empty_label="Choisissez une catégorie",
        error_messages={
            "required": "Choisissez une catégorie.",
            "invalid_choice": "Choisissez une catégorie de la liste.",
        },
    )
    description = forms.CharField(
        label="Description",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que vous voyez, en quelques mots.",
        error_messages={
            "required": "Décrivez le problème en quelques mots.",
            "max_length": "La description dépasse %(limit_value)d caractères.",
        },
    )
    photo = forms.FileField(
        label="Photo",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text="Facultative. Les données de localisation et d'appareil de la photo sont "
        "effacées à l'enregistrement.",
        error_messages={"invalid": "Ce fichier n'est pas une photo (JPEG, PNG ou WebP)."},
    )
    latitude = forms.DecimalField(
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Position invalide : touchez de nouveau la carte."},
    )
    longitude = forms.DecimalField(
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Position invalide : touchez de nouveau la carte."},
    )
    adresse = forms.CharField(
        label="Adresse ou repère",
        required=False,
        max_length=255,
        help_text="Exemple : devant le 12 rue Buffon. Facultative si vous placez le problème "
        "sur la carte.",
        error_messages={"max_length": "L'adresse dépasse %(limit_value)d caractères."},
    )
    priorite = forms.ChoiceField(
        label="Priorité",
        choices=Priorite.choices,
        initial=Priorite.NORMALE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une priorité.",
            "invalid_choice": "Choisissez une priorité de la liste.",
        },
    )
    signale_le = forms.CharField(
        label="Constaté le",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Date et heure de la saisie sur le téléphone.",
        error_messages={"required": "Indiquez la date et l'heure du constat."},
    )

    def __init__(self, *args, user, diagnostic, **kwargs):
        super().__init__(*args, **kwargs)
        self.diagnostic = diagnostic
        self.fields["categorie"].queryset = categories_of(user, diagnostic)

    def clean_latitude(self):
        return _micro_degres(self.cleaned_data["latitude"])

    def clean_longitude(self):
        return _micro_degres(self.cleaned_data["longitude"])

    def clean_signale_le(self):
        return parse_signale_le(self.cleaned_data["signale_le"], now=timezone.now())

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not self.has_error("latitude"):
            self.add_error("latitude", "Position incomplète : touchez de nouveau la carte.")
        elif (
            latitude is None
            and not (data.get("adresse") or "").strip()
            and not self.has_error("adresse")
            and not self.has_error("latitude")
        ):
            self.add_error("adresse", "Indiquez une adresse ou placez le problème sur la carte.")
        return data


def _micro_degres(value):
    if value is None:
        return None
    return value.quantize(MICRO_DEGRE, rounding=ROUND_HALF_UP)


def parse_signale_le(texte, *, now):
    """The time typed on the phone: ISO 8601 with its offset (sent by the page's script) or
    a local date and time (the plain form, ISO or typed as 25/11/2026 14:30, the format its
    error message asks for), neither in the future nor over 30 days old."""
    texte = texte.strip()
    try:
        moment = datetime.datetime.fromisoformat(texte)
    except ValueError:
        try:
            moment = datetime.datetime.strptime(texte, "%d/%m/%Y %H:%M")
        except ValueError:
            raise ValidationError(
                "Date et heure invalides : utilisez le format 25/11/2026 14:30."
            ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + AVANCE_TOLEREE:
        raise ValidationError("La date du constat est dans le futur : vérifiez l'heure.")
    if moment < now - ANCIENNETE_MAX:
        raise ValidationError(
            "La date du constat remonte à plus de 30 jours : ce signalement ne peut plus être "
            "rattaché à ce diagnostic."
        )
    return moment


def categories_of(user, diagnostic):
    """The active categories of the walk's contract, in their order."""
    return CategorieSignalement.objects.for_user(user).filter(
        contrat_id=diagnostic.quartier.contrat_id, active=True
    )


def _diagnostic(request, pk):
    """The walk, scoped by for_user (404 outside), that the user organises (403 otherwise)."""
    diagnostic = get_object_or_404(
        Diagnostic.objects.for_user(request.user).select_related("quartier__contrat"), pk=pk
    )
    if not perms.can_manage_diagnostic(request.user, diagnostic.quartier):
        raise PermissionDenied
    return diagnostic


def _error_dict(exc):
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {NON_FIELD_ERRORS: exc.messages}


def _record(request, diagnostic, form):
    """(signalement, created), or None with the service's errors added to the form."""
    data = form.cleaned_data
    photo = data.get("photo")
    try:
        signalement, created = services.signalement_create(
            quartier=diagnostic.quartier,
            categorie=data["categorie"],
            description=data["description"],
            source=SourceSignalement.DIAGNOSTIC,
            auteur=request.user,
            adresse=data["adresse"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            diagnostic=diagnostic,
            priorite=data["priorite"],
            signale_le=data["signale_le"],
            client_uuid=data["client_uuid"],
            photos=[photo] if photo else [],
        )
    except ValidationError as exc:
        for field, errors in _error_dict(exc).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return None
    if signalement.diagnostic_id != diagnostic.pk:
        # The uuid is another entry's (of another walk): never reveal nor reuse it.
        form.add_error(None, "Cette saisie a déjà servi ailleurs : saisissez-la de nouveau.")
        return None
    return signalement, created


def _already_received(request, diagnostic, client_uuid):
    try:
        value = uuid.UUID(str(client_uuid))
    except ValueError:
        return None
    return (
        Signalement.objects.for_user(request.user)
        .filter(diagnostic=diagnostic, client_uuid=value)
        .first()
    )


def _recorded(request, diagnostic):
    """The problems already recorded on this walk, the latest first."""
    return (
        Signalement.objects.for_user(request.user)
        .filter(diagnostic=diagnostic)
        .select_related("categorie")
        .annotate(nb_photos=Count("photos"))
        .order_by("-signale_le", "-id")
    )


def _points(signalements):
    return [
        {
            "uuid": str(s.client_uuid or ""),
            "lat": float(s.latitude),
            "lng": float(s.longitude),
            "titre": f"{s.categorie.libelle} — n° {s.pk}",
        }
        for s in signalements
        if s.latitude is not None
    ]


def _errors_summary(form):
    items = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            items.extend(("#form-saisie", "Signalement", error) for error in errors)
            continue
        field = form[name]
        if name in ("latitude", "longitude"):
            anchor, label = "#champ-lieu", "Lieu"
        elif name == "priorite":
            anchor, label = f"#{field.auto_id}_0", field.label
        else:
            anchor, label = f"#{field.auto_id}", field.label
        items.extend((anchor, label, error) for error in errors)
    return items


def saisie(request, pk):
    """The capture page of a walk; a plain POST records one problem (without JavaScript)."""
    diagnostic = _diagnostic(request, pk)
    if request.method == "POST":
        form = SaisieForm(request.POST, request.FILES, user=request.user, diagnostic=diagnostic)
        existant = _already_received(request, diagnostic, request.POST.get("client_uuid"))
        if existant is not None:
            messages.info(request, f"Le signalement n° {existant.pk} était déjà enregistré.")
            return redirect("gup:saisie", pk=diagnostic.pk)
        if form.is_valid() and (result := _record(request, diagnostic, form)) is not None:
            signalement, _created = result
            messages.success(
                request,
                f"Signalement n° {signalement.pk} enregistré ({signalement.categorie.libelle}).",
            )
            return redirect("gup:saisie", pk=diagnostic.pk)
    else:
        form = SaisieForm(
            user=request.user,
            diagnostic=diagnostic,
            initial={
                "client_uuid": uuid.uuid4(),
                "signale_le": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            },
        )
    signalements = list(_recorded(request, diagnostic))
    quartier = diagnostic.quartier
    context = {
        "diagnostic": diagnostic,
        "quartier": quartier,
        "form": form,
        "erreurs": _errors_summary(form) if form.is_bound else [],
        "signalements": signalements,
        "points": _points(signalements),
        "perimetres": feature_collection([quartier]),
        "envoyer_url": reverse("gup:saisie_envoyer", args=[diagnostic.pk]),
        "photo_taille_max": settings.GUP_PHOTO_TAILLE_MAX,
        "photo_taille_max_mo": settings.GUP_PHOTO_TAILLE_MAX // (1024 * 1024),
    }
    return render(request, "gup/saisie.html", context)


def _payload(signalement, statut):
    return {
        "id": signalement.pk,
        "client_uuid": str(signalement.client_uuid),
        "statut": statut,
        "categorie": signalement.categorie.libelle,
        "message": f"Signalement n° {signalement.pk} enregistré.",
    }


@require_POST
def saisie_envoyer(request, pk):
    """One entry sent by the page's script: 201 when recorded, 200 when its uuid was already
    received (nothing duplicated), 400 with the French errors of each field."""
    diagnostic = _diagnostic(request, pk)
    existant = _already_received(request, diagnostic, request.POST.get("client_uuid"))
    if existant is not None:
        return JsonResponse(_payload(existant, "deja_recu"), status=200)
    form = SaisieForm(request.POST, request.FILES, user=request.user, diagnostic=diagnostic)
    if form.is_valid() and (result := _record(request, diagnostic, form)) is not None:
        signalement, created = result
        return JsonResponse(
            _payload(signalement, "cree" if created else "deja_recu"),
            status=201 if created else 200,
        )
    errors = {
        ("__all__" if name == NON_FIELD_ERRORS else name): list(messages_)
        for name, messages_ in form.errors.items()
    }
    return JsonResponse(
        {"message": "Le signalement contient des erreurs : corrigez-les.", "errors": errors},
        status=400,
    )
