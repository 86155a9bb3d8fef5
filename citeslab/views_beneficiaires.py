"""Pages of CitésLab's people: the list of the current contract's beneficiaries, a person's
record and identity form, the meetings (list and form) and the businesses whose 1- or
3-year follow-up is due.

Only the CitésLab staff of the contract: anyone else is refused (403) before any query on
people, and every record is reached through `Model.objects.for_user(user)` then
`get_object_or_404` (404 for another contract's chargé).
"""

import copy
import unicodedata

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cdv.selectors import contrat_courant
from citeslab import perms, services
from citeslab.enums import SUIVANTES, Etape
from citeslab.forms import (
    BeneficiaireForm,
    FiltreBeneficiairesForm,
    FiltreRencontresForm,
    RencontreForm,
)
from citeslab.models import (
    Beneficiaire,
    Creation,
    EtapeProjet,
    Evenement,
    Orientation,
    ProjetCreation,
    Rencontre,
    anniversaire,
)

PAR_PAGE = 50


# Scope -------------------------------------------------------------------------------------


def check_staff(request):
    """403 for anyone who is not CitésLab staff of some contract."""
    if not perms.is_citeslab_staff(request.user):
        raise PermissionDenied(perms.REFUS)


def contrat_staff(request):
    """The current contract, provided the user is its CitésLab staff (403 otherwise)."""
    check_staff(request)
    contrat = contrat_courant(request)
    if not perms.can_manage_citeslab(request.user, contrat):
        raise PermissionDenied(perms.REFUS)
    return contrat


def beneficiaire_of(request, pk):
    check_staff(request)
    return get_object_or_404(
        Beneficiaire.objects.for_user(request.user).select_related("contrat", "quartier"), pk=pk
    )


def contexte_form(form, **extra):
    return {"form": form, "erreurs": form.summary() if form.is_bound else [], **extra}


def _sans_accents(texte):
    decompose = unicodedata.normalize("NFKD", texte or "")
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()


def _criteres(request):
    criteres = request.GET.copy()
    criteres.pop("page", None)
    return criteres


def with_list_related_data(queryset, user):
    """What the list shows of each person, in a fixed number of queries."""
    projets = ProjetCreation.objects.for_user(user).order_by("id")
    return queryset.select_related("quartier").prefetch_related(
        Prefetch("projets", queryset=projets)
    )


# The list ----------------------------------------------------------------------------------


def beneficiaire_list(request):
    """The contract's beneficiaries, filtered, searched by name (encrypted: in Python after
    the scoped query) and sorted by name."""
    contrat = contrat_staff(request)
    user = request.user
    form = FiltreBeneficiairesForm(request.GET or None, contrat=contrat)
    queryset = form.filtrer(Beneficiaire.objects.for_user(user).filter(contrat=contrat))
    beneficiaires = list(with_list_related_data(queryset, user))
    recherche = _sans_accents(form.cleaned_data["q"]).strip() if form.is_valid() else ""
    if recherche:
        beneficiaires = [
            b
            for b in beneficiaires
            if all(mot in _sans_accents(f"{b.nom} {b.prenom}") for mot in recherche.split())
        ]
    beneficiaires.sort(key=lambda b: (_sans_accents(b.nom), _sans_accents(b.prenom), b.pk))
    page = Paginator(beneficiaires, PAR_PAGE).get_page(request.GET.get("page"))
    filtre = bool(form.is_bound and any(form.data.get(k) for k in form.fields))
    return render(
        request,
        "citeslab/beneficiaire_list.html",
        {
            "contrat": contrat,
            "form": form,
            "page": page,
            "nombre": len(beneficiaires),
            "filtre": filtre,
            "criteres": _criteres(request),
        },
    )


# The record --------------------------------------------------------------------------------


def beneficiaire_detail(request, pk):
    """The person's record: identity, meetings, events, projects with their dated stages,
    referrals, creation and its follow-up."""
    beneficiaire = beneficiaire_of(request, pk)
    user = request.user
    projets = (
        ProjetCreation.objects.for_user(user)
        .filter(beneficiaire=beneficiaire)
        .select_related("creation")
        .prefetch_related(
            Prefetch(
                "historique",
                queryset=EtapeProjet.objects.for_user(user).order_by("date", "id"),
            ),
            Prefetch(
                "orientations",
                queryset=Orientation.objects.for_user(user).order_by("-date", "-id"),
            ),
        )
        .order_by("id")
    )
    aujourdhui = timezone.localdate()
    projets = list(projets)
    for projet in projets:
        projet.a_suivantes = bool(SUIVANTES[projet.etape])
        projet.creation_enregistree = getattr(projet, "creation", None)
        projet.peut_creer = projet.creation_enregistree is None and (
            projet.etape == Etape.CREE or Etape.CREE in SUIVANTES[projet.etape]
        )
        if projet.creation_enregistree is not None:
            projet.creation_enregistree.suivi_du = _suivi_du(
                projet.creation_enregistree, aujourdhui
            )
    return render(
        request,
        "citeslab/beneficiaire_detail.html",
        {
            "beneficiaire": beneficiaire,
            "age": aujourdhui.year - beneficiaire.annee_naissance,
            "rencontres": Rencontre.objects.for_user(user)
            .filter(beneficiaires=beneficiaire)
            .select_related("quartier"),
            "evenements": Evenement.objects.for_user(user).filter(inscrits=beneficiaire),
            "projets": projets,
        },
    )


def _suivi_du(creation, aujourdhui):
    """The follow-ups due and not recorded: « 1 an », « 3 ans »."""
    dus = []
    if creation.active_1_an is None and anniversaire(creation.date, 1) <= aujourdhui:
        dus.append("1 an")
    if (
        creation.active_3_ans is None
        and creation.active_1_an is not False
        and anniversaire(creation.date, 3) <= aujourdhui
    ):
        dus.append("3 ans")
    return dus


# The identity form -------------------------------------------------------------------------


ERREURS_TITRE = "La fiche n'est pas enregistrée : corrigez les champs signalés."


def beneficiaire_create(request):
    contrat = contrat_staff(request)
    form = BeneficiaireForm(
        request.POST or None, instance=Beneficiaire(contrat=contrat), contrat=contrat
    )
    if form.is_bound and form.is_valid():
        try:
            beneficiaire = services.beneficiaire_creer(
                contrat=contrat, auteur=request.user, **form.donnees()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"La fiche n° {beneficiaire.pk} est enregistrée.")
            return redirect("citeslab:beneficiaire_detail", beneficiaire.pk)
    return render(
        request,
        "citeslab/beneficiaire_form.html",
        contexte_form(form, beneficiaire=None, erreurs_titre=ERREURS_TITRE),
    )


def beneficiaire_edit(request, pk):
    """Change the person's record as the user read it; a change saved meanwhile by someone
    else is refused and the saved values shown."""
    beneficiaire = beneficiaire_of(request, pk)
    contrat = beneficiaire.contrat

    def formulaire(data=None, actuel=beneficiaire):
        return BeneficiaireForm(
            data,
            instance=copy.copy(actuel),
            contrat=contrat,
            initial={"empreinte": services.beneficiaire_empreinte(actuel)},
        )

    form = formulaire(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.beneficiaire_modifier(
                beneficiaire=beneficiaire,
                auteur=request.user,
                empreinte=form.cleaned_data["empreinte"],
                **form.donnees(),
            )
        except services.ModificationConcurrente as exc:
            form = formulaire(actuel=exc.actuel)
            form.avertissement = exc.messages[0]
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"La fiche n° {beneficiaire.pk} est enregistrée.")
            return redirect("citeslab:beneficiaire_detail", beneficiaire.pk)
    return render(
        request,
        "citeslab/beneficiaire_form.html",
        contexte_form(
            form,
            beneficiaire=beneficiaire,
            avertissement=getattr(form, "avertissement", ""),
            erreurs_titre=ERREURS_TITRE,
        ),
    )


# Meetings ----------------------------------------------------------------------------------


def rencontre_list(request):
    """The contract's meetings, latest first, filtered by dates, kind and quartier."""
    contrat = contrat_staff(request)
    form = FiltreRencontresForm(request.GET or None, contrat=contrat)
    rencontres = form.filtrer(
        Rencontre.objects.for_user(request.user).filter(contrat=contrat)
    ).select_related("quartier")
    rencontres = rencontres.prefetch_related(
        Prefetch("beneficiaires", queryset=Beneficiaire.objects.for_user(request.user))
    )
    page = Paginator(rencontres, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "citeslab/rencontre_list.html",
        {"contrat": contrat, "form": form, "page": page, "criteres": _criteres(request)},
    )


def rencontre_create(request):
    """Record a meeting; `?beneficiaire=<n°>` ticks that person and comes back to the record."""
    contrat = contrat_staff(request)
    user = request.user
    personnes = Beneficiaire.objects.for_user(user).filter(contrat=contrat)
    retour = request.GET.get("beneficiaire", "")
    retour = personnes.filter(pk=retour).first() if retour.isdigit() else None
    initial = {"beneficiaires": [retour.pk]} if retour else {}
    form = RencontreForm(
        request.POST or None,
        instance=Rencontre(contrat=contrat),
        contrat=contrat,
        beneficiaires=personnes,
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        try:
            rencontre = services.rencontre_creer(
                contrat=contrat,
                auteur=user,
                beneficiaires=form.cleaned_data["beneficiaires"],
                **form.donnees(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"La rencontre du {rencontre.date:%d/%m/%Y} est enregistrée.")
            if retour is not None:
                return redirect("citeslab:beneficiaire_detail", retour.pk)
            return redirect("citeslab:rencontre_list")
    # Sorted by name in Python: names are encrypted.
    choix = sorted(
        form.fields["beneficiaires"].choices,
        key=lambda c: _sans_accents(str(c[1])),
    )
    form.fields["beneficiaires"].widget.choices = choix
    return render(
        request,
        "citeslab/rencontre_form.html",
        contexte_form(
            form,
            retour=retour,
            erreurs_titre="La rencontre n'est pas enregistrée : corrigez les champs signalés.",
        ),
    )


# Follow-up of the businesses created ----------------------------------------------------------


def creations_a_suivre(request):
    """The businesses whose 1- or 3-year anniversary has passed without their activity
    recorded, oldest first."""
    contrat = contrat_staff(request)
    aujourdhui = timezone.localdate()
    il_y_a_1_an, il_y_a_3_ans = anniversaire(aujourdhui, -1), anniversaire(aujourdhui, -3)
    creations = list(
        Creation.objects.for_user(request.user)
        .filter(projet__beneficiaire__contrat=contrat)
        .filter(
            Q(active_1_an__isnull=True, date__lte=il_y_a_1_an)
            | (Q(active_3_ans__isnull=True, date__lte=il_y_a_3_ans) & ~Q(active_1_an=False))
        )
        .select_related("projet__beneficiaire")
        .order_by("date", "id")
    )
    for creation in creations:
        creation.suivi_du = _suivi_du(creation, aujourdhui)
    return render(
        request,
        "citeslab/creations_a_suivre.html",
        {"contrat": contrat, "creations": creations},
    )
