"""Open311 GeoReport v2 at /open311/v2/: the categories as services, the signalements as
service requests (docs/open311.md).

Every GET is public and anonymous and exposes only public fields (never an e-mail nor an
author). A POST carries the `api_key` of a coordinateur GUP of the jurisdiction (the DRF
token of the page « Mon jeton d'API »); the request then waits for moderation like a
resident's report. One instance serves several contracts: `jurisdiction_id` is the
contract's official code, always required.
"""

import datetime
import functools
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from cdv.models import Contrat
from gup import services_public
from gup.enums import ETATS_CLOS, ETATS_OUVERTS, EtatSignalement
from gup.models import CategorieSignalement, EvenementSignalement, Signalement
from gup.perimetres import quartier_du_point
from gup.perms_public import can_post_open311
from quartiers.models import Quartier

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint last changed its shape (discovery's sortable changeset).
CHANGESET = "2026-05-01T00:00:00Z"
CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
FENETRE_MAX = datetime.timedelta(days=90)
PAGE_SIZE_MAX = 1000
DESCRIPTION_MAX = 4000
# Characters XML 1.0 cannot carry, dropped from what residents typed.
HORS_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
STATUTS = {"open": ETATS_OUVERTS, "closed": ETATS_CLOS}
GROUPE_PAR_DEFAUT = "Gestion urbaine de proximité"


class Open311Error(Exception):
    """An error answered as the spec says: HTTP status and a list of {code, description}."""

    def __init__(self, status, *descriptions):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


@dataclass
class Liste:
    """A nested list: in XML, `element` children; in JSON, an array."""

    element: str
    items: list


# Rendering -------------------------------------------------------------------------------


def _texte(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return HORS_XML.sub("", str(value))


def _xml_item(parent, tag, value):
    child = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, sub in value.items():
            _xml_item(child, key, sub)
    elif isinstance(value, Liste):
        for item in value.items:
            _xml_item(child, value.element, item)
    else:
        child.text = _texte(value)


def _json_value(value):
    if isinstance(value, dict):
        return {key: _json_value(sub) for key, sub in value.items()}
    if isinstance(value, Liste):
        return [_json_value(item) for item in value.items]
    if isinstance(value, str):
        return HORS_XML.sub("", value)
    return value


def render(format_, root, contenu, status=200):
    """`contenu` (a Liste, or a dict for a single object) as XML under `root`, or as JSON
    by the spec's mapping (a list becomes an array, an object an object)."""
    if format_ == "json":
        body = json.dumps(_json_value(contenu), ensure_ascii=False)
    else:
        element = ET.Element(root)
        if isinstance(contenu, Liste):
            for item in contenu.items:
                _xml_item(element, contenu.element, item)
        else:
            for key, value in contenu.items():
                _xml_item(element, key, value)
        body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[format_])


def erreurs(format_, status, descriptions):
    items = [{"code": status, "description": d} for d in descriptions]
    return render(format_, "errors", Liste("error", items), status=status)


def open311_view(methods):
    """Public (no login), CSRF-exempt for partner systems' POSTs, errors in the format asked."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, format, **kwargs):
            try:
                return view(request, *args, format_=format, **kwargs)
            except Open311Error as exc:
                return erreurs(format, exc.status, exc.descriptions)

        return login_not_required(csrf_exempt(require_http_methods(methods)(wrapper)))

    return decorator


def w3c(moment):
    """A W3C datetime with its offset (local time of the platform)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _jour_w3c(jour):
    if jour is None:
        return None
    debut = datetime.datetime.combine(jour, datetime.time.min)
    return w3c(timezone.make_aware(debut))


# Arguments -------------------------------------------------------------------------------


def _arg(params, name):
    # An optional argument sent empty behaves as if it were not sent.
    return (params.get(name) or "").strip()


def juridiction(params):
    """The contract named by `jurisdiction_id` (its official code): 400 if missing, 404 if
    unknown."""
    code = _arg(params, "jurisdiction_id")
    if not code:
        raise Open311Error(
            400, "jurisdiction_id est obligatoire : le code officiel du contrat (ex. CN01102I)."
        )
    contrat = Contrat.objects.filter(code=code).first()  # unscoped: public catalogue
    if contrat is None:
        raise Open311Error(404, f"Juridiction inconnue : {code}.")
    return contrat


def _date(params, name):
    value = _arg(params, name)
    if not value:
        return None
    # A "+" left unencoded in a query string arrives as a space.
    value = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value)
    moment = parse_datetime(value)
    if moment is None:
        jour = parse_date(value)
        if jour is not None:
            moment = datetime.datetime.combine(jour, datetime.time.min)
    if moment is None:
        raise Open311Error(400, f"{name} : date W3C attendue (ex. 2026-04-01T00:00:00+02:00).")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _entier(params, name, default, maximum=None):
    value = _arg(params, name)
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise Open311Error(400, f"{name} : nombre entier positif attendu.")
    if maximum is not None and int(value) > maximum:
        raise Open311Error(400, f"{name} : {maximum} au plus.")
    return int(value)


def _liste(params, name):
    return [item.strip() for item in _arg(params, name).split(",") if item.strip()]


# Representations -------------------------------------------------------------------------


def service(categorie):
    organisation = categorie.organisation_responsable
    return {
        "service_code": categorie.code,
        "service_name": categorie.libelle,
        "description": categorie.description or categorie.libelle,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": organisation.nom if organisation else GROUPE_PAR_DEFAUT,
    }


# What stands for a text typed by a resident until the coordination has read it.
EN_MODERATION = "En attente de modération."


def demande(signalement):
    """A signalement as a service request: public fields only, plus the quartier (a local
    extension: the spec has no field for it). Until the coordination has moderated it (state
    "nouveau"), what a person typed — description and address — is withheld."""
    clos = signalement.etat in ETATS_CLOS
    modere = signalement.etat != EtatSignalement.NOUVEAU
    organisation = signalement.organisation_responsable
    mise_a_jour = signalement.clos_le if clos and signalement.clos_le else None
    mise_a_jour = mise_a_jour or getattr(signalement, "derniere_etape", None)
    return {
        "service_request_id": str(signalement.pk),
        "status": "closed" if clos else "open",
        "status_notes": signalement.get_etat_display(),
        "service_name": signalement.categorie.libelle,
        "service_code": signalement.categorie.code,
        "description": signalement.description if modere else EN_MODERATION,
        "agency_responsible": organisation.nom if organisation else None,
        "service_notice": None,
        "requested_datetime": w3c(signalement.signale_le),
        "updated_datetime": w3c(mise_a_jour or signalement.signale_le),
        "expected_datetime": _jour_w3c(signalement.echeance),
        "address": signalement.adresse if modere else "",
        "address_id": None,
        "zipcode": None,
        "lat": float(signalement.latitude) if signalement.latitude is not None else None,
        "long": float(signalement.longitude) if signalement.longitude is not None else None,
        "media_url": None,
        "quartier": signalement.quartier.nom,
        "quartier_code": signalement.quartier.code,
    }


def _demandes(contrat):
    derniere = EvenementSignalement.objects.filter(  # unscoped: public open data
        signalement=OuterRef("pk"), public=True
    ).order_by("-date", "-id")
    return (
        Signalement.objects.filter(quartier__contrat=contrat)  # unscoped: public open data
        .select_related("categorie", "quartier", "organisation_responsable")
        .annotate(derniere_etape=Subquery(derniere.values("date")[:1]))
        .order_by("-signale_le", "-pk")
    )


# Views -----------------------------------------------------------------------------------


@open311_view(["GET"])
def discovery(request, *, format_):
    """The service discovery document: where the endpoint is and in which formats."""
    chemin = reverse("open311:discovery", kwargs={"format": format_})
    base = request.build_absolute_uri(chemin[: chemin.rindex("discovery.")])
    return render(
        format_,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": "Coordination de la gestion urbaine de proximité de votre contrat de "
            f"ville, via la plateforme {request.build_absolute_uri('/')}",
            "key_service": "Clé d'API (api_key) : le jeton personnel d'un coordinateur GUP du "
            "contrat, obtenu sur la page « Mon jeton d'API » "
            f"({request.build_absolute_uri(reverse('api_token'))}). jurisdiction_id : le "
            "code officiel du contrat (ex. CN01102I).",
            "endpoints": Liste(
                "endpoint",
                [
                    {
                        "specification": SPECIFICATION,
                        "url": base,
                        "changeset": CHANGESET,
                        "type": "production",
                        "formats": Liste("format", ["text/xml", "application/json"]),
                    }
                ],
            ),
        },
    )


@open311_view(["GET"])
def services_list(request, *, format_):
    """The active categories of the jurisdiction."""
    contrat = juridiction(request.GET)
    categories = (
        CategorieSignalement.objects.filter(contrat=contrat, active=True)  # unscoped: public
        .select_related("organisation_responsable")
        .order_by("ordre", "libelle")
    )
    return render(format_, "services", Liste("service", [service(c) for c in categories]))


def _categorie(contrat, code):
    if not code:
        raise Open311Error(400, "service_code est obligatoire.")
    categorie = CategorieSignalement.objects.filter(  # unscoped: public catalogue
        contrat=contrat, code=code, active=True
    ).first()
    if categorie is None:
        raise Open311Error(404, f"Service inconnu dans cette juridiction : {code}.")
    return categorie


@open311_view(["GET"])
def service_definition(request, id, *, format_):
    """A service's definition: no extra attribute (metadata is always false)."""
    contrat = juridiction(request.GET)
    categorie = _categorie(contrat, id)
    return render(
        format_,
        "service_definition",
        {"service_code": categorie.code, "attributes": Liste("attribute", [])},
    )


@open311_view(["GET"])
def request_detail(request, pk, *, format_):
    """One request of the jurisdiction, as a list of one."""
    contrat = juridiction(request.GET)
    signalement = _demandes(contrat).filter(pk=pk).first()
    if signalement is None:
        raise Open311Error(404, f"Demande inconnue dans cette juridiction : {pk}.")
    return render(format_, "service_requests", Liste("request", [demande(signalement)]))


@open311_view(["GET", "POST"])
def requests_view(request, *, format_):
    if request.method == "POST":
        return _create(request, format_)
    return _search(request, format_)


def _search(request, format_):
    """GET /requests: filters service_request_id (overrides the others), service_code,
    start_date/end_date (≤ 90 days, default the last 90), status; `page`/`page_size`
    (at most 1000) extend the spec."""
    params = request.GET
    contrat = juridiction(params)
    demandes = _demandes(contrat)
    identifiants = _liste(params, "service_request_id")
    if identifiants:
        if not all(i.isdigit() for i in identifiants):
            raise Open311Error(400, "service_request_id : numéros séparés par des virgules.")
        demandes = demandes.filter(pk__in=[int(i) for i in identifiants])
    else:
        codes = _liste(params, "service_code")
        if codes:
            demandes = demandes.filter(categorie__code__in=codes)
        debut, fin = _date(params, "start_date"), _date(params, "end_date")
        if debut is None and fin is None:
            fin = timezone.now()
        if debut is None:
            debut = fin - FENETRE_MAX
        if fin is None:
            fin = debut + FENETRE_MAX
        if debut > fin:
            raise Open311Error(400, "start_date doit précéder end_date.")
        if fin - debut > FENETRE_MAX:
            raise Open311Error(400, "La période demandée dépasse 90 jours.")
        demandes = demandes.filter(signale_le__gte=debut, signale_le__lte=fin)
        statuts = _liste(params, "status")
        if any(s not in STATUTS for s in statuts):
            raise Open311Error(400, "status : open, closed ou open,closed.")
        if statuts:
            etats = set().union(*(STATUTS[s] for s in statuts))
            demandes = demandes.filter(etat__in=etats)
    taille = _entier(params, "page_size", PAGE_SIZE_MAX, PAGE_SIZE_MAX)
    page = _entier(params, "page", 1)
    debut_page = (page - 1) * taille
    items = [demande(s) for s in demandes[debut_page : debut_page + taille]]
    return render(format_, "service_requests", Liste("request", items))


def _api_user(params):
    cle = _arg(params, "api_key")
    if not cle:
        raise Open311Error(403, "api_key est obligatoire pour créer une demande.")
    try:
        user, _ = TokenAuthentication().authenticate_credentials(cle)
    except AuthenticationFailed:
        raise Open311Error(403, "api_key invalide.") from None
    return user


def _coordonnee(params, name, limite):
    value = _arg(params, name)
    try:
        nombre = Decimal(value)
    except InvalidOperation:
        raise Open311Error(400, f"{name} : nombre décimal attendu (WGS 84).") from None
    if not nombre.is_finite() or abs(nombre) > limite:
        raise Open311Error(400, f"{name} : hors de l'intervalle ±{limite} degrés.")
    return nombre.quantize(Decimal("0.000001"))


def _quartier_nomme(contrat, valeur):
    quartiers = Quartier.objects.filter(contrat=contrat)  # unscoped: the jurisdiction's
    quartier = quartiers.filter(code__iexact=valeur).first() if valeur else None
    quartier = quartier or quartiers.filter(nom__iexact=valeur).first()
    if quartier is None:
        raise Open311Error(400, f"attribute[quartier] : quartier inconnu ici ({valeur}).")
    return quartier


def trouver_quartier(contrat, params, latitude, longitude):
    """The request's quartier and the internal notes it needs (docs/open311.md):
    1. attribute[quartier] (official code or name) when given;
    2. else, with lat/long, the quartier whose perimeter contains the point (400 if none);
    3. else (an address only), the contract's only quartier, or its first by name with a
       note asking the coordination to check it."""
    nomme = _arg(params, "attribute[quartier]")
    if nomme:
        return _quartier_nomme(contrat, nomme), []
    quartiers = list(Quartier.objects.filter(contrat=contrat).order_by("nom"))  # unscoped: idem
    if not quartiers:
        raise Open311Error(400, "Ce contrat n'a aucun quartier.")
    if latitude is not None:
        quartier = quartier_du_point(quartiers, longitude, latitude)
        if quartier is None:
            raise Open311Error(
                400,
                "Le point (lat, long) n'est dans le périmètre d'aucun quartier de ce contrat ; "
                "précisez attribute[quartier] (code ou nom du quartier).",
            )
        return quartier, []
    if len(quartiers) == 1:
        return quartiers[0], []
    return quartiers[0], [
        "Demande Open311 sans coordonnées ni attribute[quartier] : quartier "
        f"« {quartiers[0].nom} » attribué par défaut, à vérifier."
    ]


def _create(request, format_):
    """POST /requests: checks the key, the jurisdiction, the service, the location, the
    description and the e-mail; records the request for moderation."""
    params = request.POST
    user = _api_user(params)
    contrat = juridiction(params)
    if not can_post_open311(user, contrat):
        raise Open311Error(403, "Cette clé ne permet pas de créer des demandes dans ce contrat.")
    categorie = _categorie(contrat, _arg(params, "service_code"))
    latitude = longitude = None
    if _arg(params, "lat") or _arg(params, "long"):
        if not (_arg(params, "lat") and _arg(params, "long")):
            raise Open311Error(400, "lat et long vont ensemble.")
        latitude = _coordonnee(params, "lat", 90)
        longitude = _coordonnee(params, "long", 180)
    adresse = _arg(params, "address_string")
    if latitude is None and not adresse:
        raise Open311Error(400, "Indiquez la position : lat et long, ou address_string.")
    if len(adresse) > 255:
        raise Open311Error(400, "address_string : 255 caractères au plus.")
    description = (params.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Open311Error(400, "description : 4 000 caractères au plus.")
    email = _arg(params, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, "email : adresse électronique invalide.") from None
    quartier, notes = trouver_quartier(contrat, params, latitude, longitude)
    media_url = _arg(params, "media_url")
    if media_url:
        notes.append(f"Média proposé par le système partenaire (non vérifié) : {media_url[:500]}")
    try:
        signalement = services_public.demande_open311_create(
            quartier=quartier,
            categorie=categorie,
            description=HORS_XML.sub("", description) or categorie.libelle,
            auteur=user,
            adresse=adresse,
            latitude=latitude,
            longitude=longitude,
            email=email,
            notes=notes,
        )
    except ValidationError as exc:
        raise Open311Error(400, *exc.messages) from None
    avis = "Demande reçue : la coordination GUP la vérifie avant de la transmettre."
    if notes and notes[0].startswith("Demande Open311 sans"):
        avis += " Quartier attribué par défaut, à confirmer."
    return render(
        format_,
        "service_requests",
        Liste(
            "request",
            [
                {
                    "service_request_id": str(signalement.pk),
                    "service_notice": avis,
                    "account_id": None,
                }
            ],
        ),  # fmt: skip
        status=201,
    )
