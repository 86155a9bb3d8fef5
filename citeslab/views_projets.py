"""Pages of a beneficiary's business projects: open one, change its stage (only the stages
the transitions table allows, dated), refer it to a partner and record the outcome, record
the business created and its activity at 1 and 3 years.

Same scope as the people's pages: CitésLab staff only (403), records through `for_user`
then `get_object_or_404` (404). Every write goes through citeslab.services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from citeslab import services
from citeslab.forms import (
    CreationForm,
    EtapeForm,
    IssueForm,
    OrientationForm,
    ProjetForm,
    SuiviForm,
)
from citeslab.models import Creation, Orientation, ProjetCreation
from citeslab.views_beneficiaires import beneficiaire_of, check_staff, contexte_form


def _projet(request, pk):
    check_staff(request)
    return get_object_or_404(
        ProjetCreation.objects.for_user(request.user).select_related("beneficiaire"), pk=pk
    )


def _page(request, form, *, beneficiaire, titre, bouton, erreurs_titre, intro=""):
    return render(
        request,
        "citeslab/formulaire.html",
        contexte_form(
            form,
            beneficiaire=beneficiaire,
            titre=titre,
            bouton=bouton,
            intro=intro,
            erreurs_titre=erreurs_titre,
        ),
    )


def _retour(request, beneficiaire, message):
    messages.success(request, message)
    return redirect("citeslab:beneficiaire_detail", beneficiaire.pk)


def projet_create(request, pk):
    beneficiaire = beneficiaire_of(request, pk)
    form = ProjetForm(
        request.POST or None,
        instance=ProjetCreation(beneficiaire=beneficiaire),
        initial={"date": timezone.localdate()},
    )
    if form.is_bound and form.is_valid():
        try:
            projet = services.projet_creer(
                beneficiaire=beneficiaire, auteur=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _retour(request, beneficiaire, f"Le projet n° {projet.pk} est ouvert.")
    return _page(
        request,
        form,
        beneficiaire=beneficiaire,
        titre=f"Ouvrir un projet — bénéficiaire n° {beneficiaire.pk}",
        bouton="Ouvrir le projet",
        intro="Le projet commence à l'étape « Sensibilisé ».",
        erreurs_titre="Le projet n'est pas ouvert : corrigez les champs signalés.",
    )


def projet_etape(request, pk):
    """Move the project to one of the stages allowed from its current one, on a date."""
    projet = _projet(request, pk)
    form = EtapeForm(request.POST or None, projet=projet, initial={"date": timezone.localdate()})
    if form.is_bound and form.is_valid():
        try:
            projet = services.projet_changer_etape(
                projet=projet,
                etape=form.cleaned_data["etape"],
                date=form.cleaned_data["date"],
                auteur=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _retour(
                request,
                projet.beneficiaire,
                f"Le projet n° {projet.pk} est à l'étape « {projet.get_etape_display()} » "
                f"depuis le {projet.date_etape:%d/%m/%Y}.",
            )
    return _page(
        request,
        form,
        beneficiaire=projet.beneficiaire,
        titre=f"Changer l'étape du projet n° {projet.pk}",
        bouton="Enregistrer l'étape",
        intro=f"Étape actuelle : « {projet.get_etape_display()} », "
        f"depuis le {projet.date_etape:%d/%m/%Y}.",
        erreurs_titre="L'étape n'est pas enregistrée : corrigez les champs signalés.",
    )


def orientation_create(request, pk):
    projet = _projet(request, pk)
    form = OrientationForm(
        request.POST or None,
        instance=Orientation(projet=projet),
        initial={"date": timezone.localdate()},
    )
    if form.is_bound and form.is_valid():
        try:
            services.orientation_creer(projet=projet, auteur=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _retour(
                request, projet.beneficiaire, f"L'orientation du projet n° {projet.pk} est "
                "enregistrée.",
            )  # fmt: skip
    return _page(
        request,
        form,
        beneficiaire=projet.beneficiaire,
        titre=f"Orienter le projet n° {projet.pk} vers un partenaire",
        bouton="Enregistrer l'orientation",
        erreurs_titre="L'orientation n'est pas enregistrée : corrigez les champs signalés.",
    )


def orientation_issue(request, pk):
    check_staff(request)
    orientation = get_object_or_404(
        Orientation.objects.for_user(request.user).select_related("projet__beneficiaire"), pk=pk
    )
    beneficiaire = orientation.projet.beneficiaire
    form = IssueForm(
        request.POST or None,
        initial={
            "issue": orientation.issue,
            "date_issue": orientation.date_issue or timezone.localdate(),
            "commentaire": orientation.commentaire,
        },
    )
    if form.is_bound and form.is_valid():
        try:
            services.orientation_issue(
                orientation=orientation, auteur=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _retour(request, beneficiaire, "L'issue de l'orientation est enregistrée.")
    return _page(
        request,
        form,
        beneficiaire=beneficiaire,
        titre=f"Issue de l'orientation ({orientation.get_partenaire_display()}, "
        f"{orientation.date:%d/%m/%Y})",
        bouton="Enregistrer l'issue",
        erreurs_titre="L'issue n'est pas enregistrée : corrigez les champs signalés.",
    )


def creation_create(request, pk):
    """Record the business a project became (the project moves to « créé » if it may)."""
    projet = _projet(request, pk)
    form = CreationForm(
        request.POST or None,
        instance=Creation(projet=projet),
        initial={"secteur": projet.secteur},
    )
    if form.is_bound and form.is_valid():
        try:
            services.creation_enregistrer(projet=projet, auteur=request.user, **form.donnees())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _retour(
                request, projet.beneficiaire, f"La création du projet n° {projet.pk} est "
                "enregistrée.",
            )  # fmt: skip
    return _page(
        request,
        form,
        beneficiaire=projet.beneficiaire,
        titre=f"Enregistrer la création — projet n° {projet.pk}",
        bouton="Enregistrer la création",
        intro="Le projet passe à l'étape « Créé » à la date de création.",
        erreurs_titre="La création n'est pas enregistrée : corrigez les champs signalés.",
    )


def creation_suivi(request, pk):
    """Record whether the business is still active at 1 and 3 years."""
    check_staff(request)
    creation = get_object_or_404(
        Creation.objects.for_user(request.user).select_related("projet__beneficiaire"), pk=pk
    )
    beneficiaire = creation.projet.beneficiaire
    form = SuiviForm(request.POST or None, initial=SuiviForm.initial_of(creation))
    if form.is_bound and form.is_valid():
        try:
            services.creation_suivre(creation=creation, auteur=request.user, **form.donnees())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _retour(request, beneficiaire, "Le suivi de l'entreprise est enregistré.")
    return _page(
        request,
        form,
        beneficiaire=beneficiaire,
        titre=f"Suivi de l'entreprise créée le {creation.date:%d/%m/%Y}",
        bouton="Enregistrer le suivi",
        erreurs_titre="Le suivi n'est pas enregistré : corrigez les champs signalés.",
    )
