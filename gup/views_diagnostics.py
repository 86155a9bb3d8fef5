"""The diagnostics en marchant of the current contract: list with their figures, detail
with the problems found, creation and correction by the coordination GUP."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from cdv.selectors import contrat_courant
from gup import perms, perms_signalements, services_signalements
from gup.forms import DiagnosticForm, erreurs_du_service
from gup.models import Diagnostic
from gup.selectors import signalements_suivi
from gup.selectors_signalements import avec_retard, diagnostics_du_contrat

CHAMPS_DIAGNOSTIC = ["quartier", "date", "secteur", "participants", "nb_habitants", "compte_rendu"]


def _check_view(request):
    if not perms.can_view_gup(request.user):
        raise PermissionDenied
    return contrat_courant(request)


def _diagnostic(request, pk):
    diagnostics = Diagnostic.objects.for_user(request.user).select_related("quartier__contrat")
    return get_object_or_404(diagnostics, pk=pk)


def valeurs_enregistrees(instance, champs):
    """(label, value) of the record as saved by someone else, to show next to the form."""
    lignes = []
    for name in champs:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            valeur = ", ".join(str(o) for o in getattr(instance, name).all()) or "aucune"
        elif field.choices:
            valeur = getattr(instance, f"get_{name}_display")()
        else:
            valeur = getattr(instance, name)
        lignes.append((str(field.verbose_name).capitalize(), valeur))
    return lignes


def diagnostic_list(request):
    """The walks of the current contract the user sees: quartier, date, sector,
    participants, residents, problems found and still open (a constant number of queries)."""
    contrat = _check_view(request)
    diagnostics = diagnostics_du_contrat(request.user, contrat)
    return render(
        request,
        "gup/diagnostic_list.html",
        {
            "contrat": contrat,
            "diagnostics": diagnostics,
            "peut_creer": perms_signalements.coordonne_contrat(request.user, contrat),
        },
    )


def diagnostic_detail(request, pk):
    """A walk, its participants and the problems it found (those the user sees)."""
    _check_view(request)
    diagnostic = _diagnostic(request, pk)
    signalements = avec_retard(signalements_suivi(request.user).filter(diagnostic=diagnostic))
    return render(
        request,
        "gup/diagnostic_detail.html",
        {
            "diagnostic": diagnostic,
            "participants": diagnostic.participants.order_by("nom"),
            "signalements": signalements,
            "peut_gerer": perms.can_manage_diagnostic(request.user, diagnostic.quartier),
        },
    )


def _save(request, form, diagnostic=None):
    """Create or update from a valid form; stale version or refusal put on the form."""
    data = dict(form.cleaned_data)
    participants = data.pop("participants")
    version = data.pop("version")
    try:
        if diagnostic is None:
            return services_signalements.diagnostic_create(
                user=request.user, participants=participants, **data
            )
        return services_signalements.diagnostic_update(
            diagnostic=diagnostic,
            user=request.user,
            version=version,
            participants=participants,
            **data,
        )
    except services_signalements.VersionPerimee:
        raise
    except PermissionDenied:
        form.add_error("quartier", "Vous ne coordonnez pas la GUP de ce quartier.")
    except ValidationError as exc:
        erreurs_du_service(form, exc)
    return None


def _form_page(request, *, diagnostic=None):
    contrat = contrat_courant(request)
    if diagnostic is not None:
        contrat = diagnostic.quartier.contrat
        if not perms.can_manage_diagnostic(request.user, diagnostic.quartier):
            raise PermissionDenied
    elif not perms_signalements.coordonne_contrat(request.user, contrat):
        raise PermissionDenied
    options = {"contrat": contrat, "user": request.user, "instance": diagnostic}
    autre = None
    if request.method == "POST":
        form = DiagnosticForm(request.POST, **options)
        if form.is_valid():
            try:
                saved = _save(request, form, diagnostic)
            except services_signalements.VersionPerimee as exc:
                autre = valeurs_enregistrees(exc.actuel, CHAMPS_DIAGNOSTIC)
                data = request.POST.copy()
                data["version"] = exc.actuel.version
                form = DiagnosticForm(data, **options)
                form.is_valid()
                form.add_error(None, exc.messages[0])
                saved = None
            if saved is not None:
                messages.success(request, f"Le {saved} est enregistré.")
                return redirect("gup:diagnostic_detail", saved.pk)
    else:
        form = DiagnosticForm(**options)
    return render(
        request,
        "gup/diagnostic_form.html",
        {"form": form, "diagnostic": diagnostic, "contrat": contrat, "autre": autre},
    )


def diagnostic_create(request):
    """A new walk of a quartier of the current contract (coordination GUP)."""
    _check_view(request)
    return _form_page(request)


def diagnostic_edit(request, pk):
    """Correct a walk; a version saved meanwhile by someone else is refused and shown."""
    _check_view(request)
    return _form_page(request, diagnostic=_diagnostic(request, pk))
