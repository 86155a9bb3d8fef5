"""Pages of CitésLab's events: the list by year and kind, the event's page, its form.

Only the CitésLab staff of the current contract: anyone else is refused (403) before any
query on events, and an event is reached through `Evenement.objects.for_user(user)` then
`get_object_or_404` (404 for another contract's chargé).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from cdv.selectors import contrat_courant
from citeslab import perms
from citeslab.forms import nom_beneficiaire
from citeslab.forms_evenements import EvenementForm, FiltreEvenementsForm
from citeslab.models import Beneficiaire, Evenement

ERREURS_TITRE = "L'événement n'est pas enregistré : corrigez les champs signalés."


def contrat_staff(request):
    """The current contract, provided the user is its CitésLab staff (403 otherwise)."""
    if not perms.is_citeslab_staff(request.user):
        raise PermissionDenied(perms.REFUS)
    contrat = contrat_courant(request)
    if not perms.can_manage_citeslab(request.user, contrat):
        raise PermissionDenied(perms.REFUS)
    return contrat


def with_list_related_data(queryset):
    """What the list shows of each event, in a fixed number of queries."""
    return (
        queryset.select_related("quartier")
        .annotate(nombre_inscrits=Count("inscrits", distinct=True))
        # The event's own partners (ordered by name by the model), whoever reads the
        # directory: they come through an event already scoped.
        .prefetch_related("partenaires")
    )


def evenement_list(request):
    """The contract's events, latest first, grouped by year, with each year's totals."""
    contrat = contrat_staff(request)
    tous = Evenement.objects.for_user(request.user).filter(contrat=contrat)
    annees = sorted({d.year for d in tous.dates("date", "year")}, reverse=True)
    form = FiltreEvenementsForm(request.GET or None, annees=annees)
    evenements = list(with_list_related_data(form.filtrer(tous)).order_by("-date", "-id"))
    par_annee = {}
    for evenement in evenements:
        par_annee.setdefault(evenement.date.year, []).append(evenement)
    groupes = [
        {
            "annee": annee,
            "evenements": liste,
            "participants": sum(e.participants for e in liste),
        }
        for annee, liste in par_annee.items()
    ]
    return render(
        request,
        "citeslab/evenement_list.html",
        {
            "contrat": contrat,
            "form": form,
            "groupes": groupes,
            "nombre": len(evenements),
            "filtre": bool(form.is_bound and any(form.data.get(k) for k in form.fields)),
        },
    )


def evenement_of(request, pk):
    contrat_staff(request)
    return get_object_or_404(
        Evenement.objects.for_user(request.user).select_related("quartier", "contrat"), pk=pk
    )


def evenement_detail(request, pk):
    evenement = evenement_of(request, pk)
    inscrits = sorted(
        Beneficiaire.objects.for_user(request.user).filter(evenements=evenement),
        key=lambda b: nom_beneficiaire(b).casefold(),
    )
    return render(
        request,
        "citeslab/evenement_detail.html",
        {
            "evenement": evenement,
            "partenaires": evenement.partenaires.all(),
            "inscrits": inscrits,
        },
    )


@transaction.atomic
def _enregistrer(*, evenement, auteur, partenaires, inscrits):
    """Save the event with its partners and registered people, in one transaction."""
    if not perms.can_manage_citeslab(auteur, evenement.contrat_id):
        raise PermissionDenied(perms.REFUS)
    evenement.valider_inscrits(inscrits)
    evenement.save()
    evenement.partenaires.set(partenaires)
    evenement.inscrits.set(inscrits)
    return evenement


def _formulaire(request, evenement, contrat):
    personnes = Beneficiaire.objects.for_user(request.user).filter(contrat=contrat)
    form = EvenementForm(
        request.POST if request.method == "POST" else None,
        instance=evenement,
        contrat=contrat,
        user=request.user,
        beneficiaires=personnes,
    )
    if form.is_bound and form.is_valid():
        try:
            evenement = _enregistrer(
                evenement=form.instance,
                auteur=request.user,
                partenaires=form.cleaned_data["partenaires"],
                inscrits=form.cleaned_data["inscrits"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"L'événement « {evenement.titre} » est enregistré.")
            return redirect("citeslab:evenement_detail", evenement.pk)
    # Sorted by name in Python: names are encrypted.
    champ = form.fields["inscrits"]
    champ.widget.choices = sorted(champ.choices, key=lambda c: str(c[1]).casefold())
    return render(
        request,
        "citeslab/evenement_form.html",
        {
            "form": form,
            "evenement": evenement if evenement.pk else None,
            "erreurs": form.summary() if form.is_bound else [],
            "erreurs_titre": ERREURS_TITRE,
        },
    )


def evenement_create(request):
    contrat = contrat_staff(request)
    return _formulaire(request, Evenement(contrat=contrat), contrat)


def evenement_edit(request, pk):
    evenement = evenement_of(request, pk)
    return _formulaire(request, evenement, evenement.contrat)
