"""The signalements of the current contract: the list with its criteria, a problem's page
(history, photos, the steps the user may take, comments), creation and correction by the
coordination GUP, the scoped download of photos, and the contract's categories."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cdv.selectors import contrat_courant
from gup import perms, perms_signalements, services, services_categories, services_signalements
from gup.enums import TRANSITIONS
from gup.forms import (
    CategorieForm,
    CommentaireForm,
    SignalementCreateForm,
    SignalementEditForm,
    TransitionForm,
    erreurs_du_service,
)
from gup.models import CategorieSignalement, Diagnostic, PhotoSignalement, Signalement
from gup.selectors_signalements import PAR_PAGE, entetes, est_en_retard, selection
from gup.views_diagnostics import valeurs_enregistrees

# The history's lines that are not steps of the workflow.
EVENEMENTS = {
    "creation": "Signalement enregistré",
    "commentaire": "Commentaire",
    "modification": "Correction par la coordination",
    "affectation": "Changement d'organisation responsable",
}


def _check_view(request):
    if not perms.can_view_gup(request.user):
        raise PermissionDenied
    return contrat_courant(request)


def _signalements(request):
    return Signalement.objects.for_user(request.user).select_related(
        "quartier__contrat", "categorie", "organisation_responsable", "diagnostic", "auteur"
    )


def _signalement(request, pk):
    return get_object_or_404(_signalements(request), pk=pk)


# The list ----------------------------------------------------------------------------------


def signalement_list(request):
    """The problems of the current contract the user sees (an intervenant GUP: those of its
    organisation), filtered, sorted, 50 a page, in a constant number of queries."""
    contrat = _check_view(request)
    choisie = selection(request, contrat=contrat)
    page = Paginator(choisie.signalements, PAR_PAGE).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "gup/signalement_list.html",
        {
            "contrat": contrat,
            "selection": choisie,
            "page": page,
            "entetes": entetes(choisie),
            "peut_creer": perms_signalements.coordonne_contrat(request.user, contrat),
        },
    )


# A problem's page --------------------------------------------------------------------------


def _historique(signalement):
    lignes = []
    for evenement in signalement.evenements.select_related("auteur", "organisation"):
        transition = TRANSITIONS.get(evenement.code)
        lignes.append(
            {
                "evenement": evenement,
                "etape": transition.label
                if transition
                else EVENEMENTS.get(evenement.code, evenement.code),
            }
        )
    return lignes


def _detail(request, signalement, *, etape=None, commentaire_form=None, status=200):
    """The page of a problem; `etape`: the step form that failed, shown with its errors."""
    user = request.user
    formulaires = []
    for transition in perms.available_transitions(user, signalement):
        if etape is not None and etape.transition.code == transition.code:
            formulaires.append(etape)
        else:
            formulaires.append(
                TransitionForm(transition=transition, signalement=signalement, user=user)
            )
    peut_commenter = perms.can_comment(user, signalement)
    context = {
        "signalement": signalement,
        "historique": _historique(signalement),
        "photos": signalement.photos.all(),
        "doublons": signalement.doublons.all(),
        "etapes": formulaires,
        "peut_modifier": perms.can_edit(user, signalement),
        "en_retard": est_en_retard(signalement),
        "commentaire_form": (commentaire_form or CommentaireForm()) if peut_commenter else None,
    }
    return render(request, "gup/signalement_detail.html", context, status=status)


def signalement_detail(request, pk):
    """Every field of a problem, its photos, its full history and what the user may do."""
    _check_view(request)
    return _detail(request, _signalement(request, pk))


@require_POST
def signalement_transition(request, pk):
    """One step of the workflow, at the version the user saw. The service checks the table
    and the role (PermissionDenied: 403) and the content (errors shown on the step)."""
    _check_view(request)
    signalement = _signalement(request, pk)
    transition = TRANSITIONS.get(request.POST.get("code", ""))
    if transition is None or not perms.can_transition(request.user, signalement, transition.code):
        raise PermissionDenied
    form = TransitionForm(
        request.POST, transition=transition, signalement=signalement, user=request.user
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.signalement_transition(
                signalement=signalement,
                user=request.user,
                code=transition.code,
                commentaire=data["commentaire"],
                organisation=data.get("organisation"),
                original=data.get("original"),
                version=data["version"],
            )
        except ValidationError as exc:
            if "version" in getattr(exc, "error_dict", {}):
                # Someone took a step meanwhile: the page shows the problem as it now is.
                messages.error(request, exc.message_dict["version"][0])
                return redirect("gup:signalement_detail", signalement.pk)
            erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"« {transition.label} » : le signalement est maintenant à l'état "
                f"« {signalement.get_etat_display()} ».",
            )
            return redirect("gup:signalement_detail", signalement.pk)
    return _detail(request, signalement, etape=form, status=400)


@require_POST
def signalement_comment(request, pk):
    """A comment of the coordination or of the responsible body, with an optional photo."""
    _check_view(request)
    signalement = _signalement(request, pk)
    if not perms.can_comment(request.user, signalement):
        raise PermissionDenied
    form = CommentaireForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.signalement_comment(
                signalement=signalement,
                user=request.user,
                commentaire=form.cleaned_data["commentaire"],
                photo=form.cleaned_data["photo"],
                public=form.cleaned_data["public"],
            )
        except ValidationError as exc:
            erreurs_du_service(form, exc)
        else:
            messages.success(request, "Votre commentaire est ajouté à l'historique.")
            return redirect("gup:signalement_detail", signalement.pk)
    return _detail(request, signalement, commentaire_form=form, status=400)


def photo_response(photo):
    """The photo shown inline, privately cached; 404 when storage lost its file. The caller
    scopes the photo first, by the user's rights."""
    try:
        stream = photo.fichier.open("rb")
    except FileNotFoundError:
        raise Http404("La photo est introuvable.") from None
    response = FileResponse(stream, content_type=photo.type_mime)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def photo(request, pk):
    """A photo of a problem, streamed to those who see the problem only: the file stays out
    of the public media and its address expires with the user's rights."""
    _check_view(request)
    return photo_response(get_object_or_404(PhotoSignalement.objects.for_user(request.user), pk=pk))


# Creation and correction -------------------------------------------------------------------


def signalement_create(request):
    """A problem recorded by the coordination GUP of the current contract, routed by default
    to its category's body, with an optional photo; nothing is written on error."""
    contrat = _check_view(request)
    if not perms_signalements.coordonne_contrat(request.user, contrat):
        raise PermissionDenied
    options = {"contrat": contrat, "user": request.user}
    if request.method == "POST":
        form = SignalementCreateForm(request.POST, request.FILES, **options)
        if form.is_valid():
            data = dict(form.cleaned_data)
            photo_envoyee = data.pop("photo")
            if not perms.can_create_signalement(request.user, data["quartier"]):
                raise PermissionDenied
            try:
                signalement, _ = services.signalement_create(
                    auteur=request.user,
                    photos=[photo_envoyee] if photo_envoyee else [],
                    **data,
                )
            except ValidationError as exc:
                erreurs_du_service(form, exc)
            else:
                messages.success(request, f"Le signalement n° {signalement.pk} est enregistré.")
                return redirect("gup:signalement_detail", signalement.pk)
    else:
        initial = {}
        diagnostic_id = request.GET.get("diagnostic", "")
        if diagnostic_id.isdigit():
            diagnostic = (
                Diagnostic.objects.for_user(request.user)
                .filter(pk=int(diagnostic_id), quartier__contrat=contrat)
                .first()
            )
            if diagnostic is not None:
                initial = {
                    "diagnostic": diagnostic.pk,
                    "quartier": diagnostic.quartier_id,
                    "source": "diagnostic",
                }
        form = SignalementCreateForm(initial=initial, **options)
    return render(
        request,
        "gup/signalement_form.html",
        {
            "form": form,
            "contrat": contrat,
            "sans_categorie": not form.fields["categorie"].queryset.exists(),
        },
    )


def signalement_edit(request, pk):
    """The coordination corrects an open problem; a version saved meanwhile by someone else
    is refused, and its values shown."""
    _check_view(request)
    signalement = _signalement(request, pk)
    if not perms.can_edit(request.user, signalement):
        raise PermissionDenied
    autre = None
    if request.method == "POST":
        form = SignalementEditForm(request.POST, instance=signalement, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services_signalements.signalement_update(
                    signalement=signalement, user=request.user, version=version, **data
                )
            except services_signalements.VersionPerimee as exc:
                autre = valeurs_enregistrees(exc.actuel, services_signalements.CHAMPS_MODIFIABLES)
                donnees = request.POST.copy()
                donnees["version"] = exc.actuel.version
                form = SignalementEditForm(donnees, instance=exc.actuel, user=request.user)
                form.is_valid()
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                erreurs_du_service(form, exc)
            else:
                messages.success(request, f"Le signalement n° {signalement.pk} est corrigé.")
                return redirect("gup:signalement_detail", signalement.pk)
    else:
        form = SignalementEditForm(instance=signalement, user=request.user)
    return render(
        request,
        "gup/signalement_edit.html",
        {"form": form, "signalement": signalement, "autre": autre},
    )


# Categories --------------------------------------------------------------------------------


def categorie_list(request):
    """The categories of the current contract; the coordination edits them and may create
    the default list."""
    contrat = _check_view(request)
    categories = []
    if contrat is not None:
        categories = (
            CategorieSignalement.objects.for_user(request.user)
            .filter(contrat=contrat)
            .select_related("organisation_responsable")
        )
    return render(
        request,
        "gup/categorie_list.html",
        {
            "contrat": contrat,
            "categories": categories,
            "peut_gerer": perms_signalements.can_manage_categories(request.user, contrat),
        },
    )


def _categorie_form(request, categorie=None):
    contrat = _check_view(request)
    if categorie is not None:
        contrat = categorie.contrat
    if not perms_signalements.can_manage_categories(request.user, contrat):
        raise PermissionDenied
    options = {"contrat": contrat, "user": request.user, "instance": categorie}
    if request.method == "POST":
        form = CategorieForm(request.POST, **options)
        if form.is_valid():
            try:
                services_categories.categorie_save(
                    categorie=form.instance,
                    **{name: form.cleaned_data[name] for name in form.fields},
                )
            except ValidationError as exc:
                erreurs_du_service(form, exc)
            else:
                messages.success(
                    request, f"La catégorie « {form.instance.libelle} » est enregistrée."
                )
                return redirect("gup:categorie_list")
    else:
        form = CategorieForm(**options)
    return render(
        request,
        "gup/categorie_form.html",
        {"form": form, "categorie": categorie, "contrat": contrat},
    )


def categorie_create(request):
    return _categorie_form(request)


def categorie_edit(request, pk):
    _check_view(request)
    categorie = get_object_or_404(
        CategorieSignalement.objects.for_user(request.user).select_related("contrat"), pk=pk
    )
    return _categorie_form(request, categorie)


@require_POST
def categories_initialiser(request):
    """Create the default categories the current contract lacks (running it again adds
    nothing)."""
    contrat = _check_view(request)
    if not perms_signalements.can_manage_categories(request.user, contrat):
        raise PermissionDenied
    creees = services_categories.categories_initialiser(contrat=contrat)
    if creees:
        n, s = len(creees), "s" if len(creees) > 1 else ""
        messages.success(request, f"{n} catégorie{s} créée{s} à partir de la liste par défaut.")
    else:
        messages.info(request, "Toutes les catégories par défaut existent déjà pour ce contrat.")
    return redirect("gup:categorie_list")
