"""The residents' pages, without an account: report a problem, follow it by its link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from cdv.models import Contrat
from gup import services_public
from gup.enums import EtatSignalement
from gup.forms_public import SignalementPublicForm
from gup.models import Signalement
from quartiers.geojson import feature_collection

E = EtatSignalement
RATELIMIT_GROUP = "gup.signalement_public"

# The state of a report, as a resident reads it.
ETATS_HABITANT = {
    E.NOUVEAU: "Reçu : la coordination de la gestion urbaine de proximité le vérifie avant de "
    "le transmettre.",
    E.TRANSMIS: "Transmis à l'organisme chargé d'intervenir.",
    E.PRIS_EN_CHARGE: "Pris en charge par l'organisme chargé d'intervenir.",
    E.EN_COURS: "Intervention en cours.",
    E.RESOLU: "Résolu.",
    E.HORS_COMPETENCE: "En cours de réorientation vers l'organisme compétent.",
    E.DOUBLON: "Déjà signalé : il est traité avec le signalement d'origine.",
    E.CLOS_SANS_SUITE: "Clos sans suite.",
}
# Each line of the public history, in plain words.
ETAPES_HABITANT = {
    "creation": "Signalement reçu",
    "transmettre": "Transmis à l'organisme chargé d'intervenir",
    "prendre_en_charge": "Pris en charge",
    "demarrer": "Intervention commencée",
    "resoudre": "Problème déclaré résolu",
    "hors_competence": "Réorientation vers un autre organisme",
    "reattribuer": "Transmis à un autre organisme",
    "marquer_doublon": "Rattaché à un signalement déjà connu",
    "clore_sans_suite": "Clos sans suite",
    "rouvrir": "Signalement rouvert",
    "commentaire": "Message de l'équipe",
    "affectation": "Organisme chargé d'intervenir modifié",
    services_public.CODE_RESOLUTION_CONTESTEE: "Vous avez indiqué que le problème n'est pas réglé",
}


def _contrats_ouverts():
    """The contracts residents report to: with an official code, a quartier and an active
    category."""
    return (
        Contrat.objects.exclude(Q(code__isnull=True) | Q(code=""))  # unscoped: public page
        .filter(categories_gup__active=True, quartiers__isnull=False)
        .distinct()
        .order_by("nom")
    )


def _usage(request, *, increment):
    return get_usage(
        request,
        group=RATELIMIT_GROUP,
        key="ip",
        rate=settings.GUP_SIGNALEMENT_RATE,
        method="POST",
        increment=increment,
    )


def _quota_atteint(request):
    """Whether this client address already sent as many reports as the limit allows."""
    usage = _usage(request, increment=False)
    return usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"])


def _message_quota(request):
    usage = _usage(request, increment=False) or {}
    minutes = max(1, -(-int(usage.get("time_left", 3600)) // 60))
    return (
        "Vous avez déjà envoyé plusieurs signalements depuis cette connexion en peu de temps : "
        f"réessayez dans {minutes} minute{'s' if minutes > 1 else ''}. Votre signalement n'a pas "
        "été enregistré."
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def signaler(request):
    """Report a problem: choose the contract (`?contrat=<code>`, or the only one), then the
    category, quartier, description, location, photo and e-mail. Limited per client address;
    the hidden field discards robots; the report waits for moderation."""
    contrats = _contrats_ouverts()
    code = (request.GET.get("contrat") or "").strip()
    if code:
        contrat = get_object_or_404(contrats, code=code)
    else:
        liste = list(contrats[:2])
        if len(liste) != 1:
            return render(request, "gup/public_choix.html", {"contrats": contrats})
        contrat = liste[0]
    status = 200
    if request.method == "POST":
        form = SignalementPublicForm(request.POST, request.FILES, contrat=contrat)
        if form.est_un_robot():
            _usage(request, increment=True)
            return render(request, "gup/public_merci.html", {"contrat": contrat})
        if _quota_atteint(request):
            form.is_valid()
            form.errors.clear()
            form.add_error(None, _message_quota(request))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                signalement = services_public.signalement_signaler(
                    quartier=data["quartier"],
                    categorie=data["categorie"],
                    description=data["description"],
                    adresse=data["adresse"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    email=data["email"],
                    photo=data["photo"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                _usage(request, increment=True)
                texte = "Votre signalement est enregistré. Gardez l'adresse de cette page : "
                texte += "c'est votre lien de suivi."
                if data["email"]:
                    texte += " Nous vous l'avons aussi envoyée par courriel."
                messages.success(request, texte)
                return redirect("gup:public_suivi", signalement.jeton_suivi)
    else:
        form = SignalementPublicForm(contrat=contrat)
    quartiers = form.fields["quartier"].queryset
    return render(
        request,
        "gup/public_signaler.html",
        {
            "contrat": contrat,
            "form": form,
            "perimetres": feature_collection(quartiers),
            "erreurs": form.summary() if form.is_bound else [],
            "erreurs_titre": "Le signalement n'est pas envoyé : corrigez les champs signalés.",
            "action_url": f"{reverse('gup:public_signaler')}?contrat={contrat.code}",
        },
        status=status,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def suivi(request, token):
    """A report's tracking page, reached by its secret link: its state in plain words and
    its public history; once solved, the resident says whether it really is."""
    signalement = get_object_or_404(
        Signalement.objects.select_related(  # unscoped: the secret token is the key
            "categorie", "quartier__contrat"
        ),
        jeton_suivi=token,
    )
    if request.method == "POST":
        reponse = request.POST.get("reponse")
        if reponse in ("oui", "non"):
            try:
                services_public.resolution_confirm(
                    signalement=signalement, confirmee=reponse == "oui"
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    "Merci, votre réponse est enregistrée."
                    if reponse == "oui"
                    else "Merci, la coordination est prévenue que le problème n'est pas réglé.",
                )
        return redirect("gup:public_suivi", signalement.jeton_suivi)
    evenements = [
        (evenement, ETAPES_HABITANT.get(evenement.code, "Mise à jour"))
        for evenement in signalement.evenements.filter(public=True).order_by("date", "id")
    ]
    return render(
        request,
        "gup/public_suivi.html",
        {
            "signalement": signalement,
            "etat_habitant": ETATS_HABITANT.get(signalement.etat, signalement.get_etat_display()),
            "evenements": evenements,
            "lien": request.build_absolute_uri(request.path),
            "demander_confirmation": signalement.etat == E.RESOLU
            and signalement.resolution_confirmee is None,
        },
    )
