"""Pages of the PRE's children and families: the list of the current contract, a child's
record, its forms (identity, guardians, consent, referrals), the family's rights (export and
erasure) and the coordinator's log of reads.

Every child is reached through `Enfant.objects.for_user(user)` (the PRE's staff; an EPS member for
the children on its commissions' agendas, read-only), then `get_object_or_404`. Every page
showing a child's identity writes the log of reads (pre.services_journal).
"""

import json
import unicodedata

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from cdv.excel import workbook_response
from cdv.files import attachment_response
from cdv.models import User
from cdv.selectors import contrat_courant
from pre import perms, services
from pre.enums import EtatParcours, MotifReperage
from pre.forms import (
    ConsentementForm,
    EffacementForm,
    EnfantForm,
    JournalFiltreForm,
    RechercheForm,
    ReperageForm,
    ResponsableForm,
)
from pre.models import (
    Consentement,
    Enfant,
    JournalAcces,
    Parcours,
    Reperage,
    ResponsableLegal,
)
from pre.services_journal import journaliser, journaliser_plusieurs

PAR_PAGE = 50
PAR_PAGE_JOURNAL = 50


# Scope -------------------------------------------------------------------------------------


def _check_view(request):
    if not perms.can_view_pre(request.user):
        raise PermissionDenied


def _enfants(request):
    """The children `request.user` reaches; an erased family is no longer reached."""
    return Enfant.objects.for_user(request.user).filter(anonymise_le__isnull=True)


def _enfant(request, pk):
    _check_view(request)
    return get_object_or_404(
        _enfants(request).select_related("contrat", "quartier", "etablissement"), pk=pk
    )


def _enfant_modifiable(request, pk):
    enfant = _enfant(request, pk)
    if not perms.can_edit_enfant(request.user, enfant):
        raise PermissionDenied
    return enfant


def _sans_accents(texte):
    decompose = unicodedata.normalize("NFKD", texte or "")
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()


def _etat_courant(enfant):
    """The state of the child's ongoing pathway (or of its latest one), for the list."""
    parcours = list(enfant.parcours.all())  # prefetched, latest first
    ouverts = [p for p in parcours if p.etat != EtatParcours.CLOS]
    courant = (ouverts or parcours or [None])[0]
    return courant.get_etat_display() if courant else "Aucun parcours"


def with_list_related_data(queryset, user):
    """What the list shows of each child, in a fixed number of queries."""
    parcours = Parcours.objects.for_user(user).order_by("-date_inscription", "-id")
    return queryset.select_related("quartier", "etablissement").prefetch_related(
        Prefetch("parcours", queryset=parcours)
    )


# The list ----------------------------------------------------------------------------------


def enfant_list(request):
    """The children of the current contract the user reaches, sorted by name, searched by
    name or first name (encrypted: both done in Python after the scoped query)."""
    _check_view(request)
    user = request.user
    contrat = contrat_courant(request)
    form = RechercheForm(request.GET or None)
    enfants = []
    if contrat is not None:
        enfants = list(with_list_related_data(_enfants(request).filter(contrat=contrat), user))
    recherche = _sans_accents(form.cleaned_data["q"]).strip() if form.is_valid() else ""
    if recherche:
        enfants = [
            e
            for e in enfants
            if all(mot in _sans_accents(f"{e.nom} {e.prenom}") for mot in recherche.split())
        ]
    enfants.sort(key=lambda e: (_sans_accents(e.nom), _sans_accents(e.prenom), e.pk))
    page = Paginator(enfants, PAR_PAGE).get_page(request.GET.get("page"))
    aujourd_hui = timezone.localdate()
    lignes = [{"enfant": e, "age": e.age(aujourd_hui), "etat": _etat_courant(e)} for e in page]
    journaliser_plusieurs(user=user, enfants=page.object_list, objet="liste des enfants")
    criteres = request.GET.copy()
    criteres.pop("page", None)
    return render(
        request,
        "pre/enfant_list.html",
        {
            "contrat": contrat,
            "form": form,
            "page": page,
            "lignes": lignes,
            "nombre": len(enfants),
            "recherche": recherche,
            "voit_journal": perms.can_view_journal(user, contrat),
            "criteres": criteres,
            "can_create": perms.is_pre_staff(user, contrat),
        },
    )


# The record --------------------------------------------------------------------------------


def enfant_detail(request, pk):
    """The child's record: identity, family, consent, referrals and pathways."""
    enfant = _enfant(request, pk)
    user = request.user
    journaliser(user=user, enfant=enfant, objet="fiche enfant")
    reperages = list(
        Reperage.objects.for_user(user).filter(enfant=enfant).select_related("organisation")
    )
    motifs = dict(MotifReperage.choices)
    for reperage in reperages:
        reperage.motifs_libelles = [motifs.get(code, code) for code in reperage.motifs]
    return render(
        request,
        "pre/enfant_detail.html",
        {
            "enfant": enfant,
            "age": enfant.age(timezone.localdate()),
            "responsables": ResponsableLegal.objects.for_user(user).filter(enfant=enfant),
            "consentements": Consentement.objects.for_user(user).filter(enfant=enfant),
            "reperages": reperages,
            "parcours": Parcours.objects.for_user(user)
            .filter(enfant=enfant)
            .select_related("referent")
            .order_by("-date_inscription", "-id"),
            "can_edit": perms.can_edit_enfant(user, enfant),
            "equipe_pre": perms.is_pre_staff(user, enfant.contrat),
            "can_erase": perms.can_erase_famille(user, enfant),
        },
    )


def consentement_document(request, pk):
    """The signed consent's file, to those who reach the child; 404 for everyone else."""
    _check_view(request)
    consentement = get_object_or_404(
        Consentement.objects.for_user(request.user)
        .filter(enfant__anonymise_le__isnull=True)
        .select_related("enfant"),
        pk=pk,
    )
    journaliser(user=request.user, enfant=consentement.enfant, objet="consentement")
    response = attachment_response(consentement.document)
    extension = services.TYPES_CONSENTEMENT.get(consentement.type_mime, ("", ""))[1]
    if consentement.type_mime:
        response["Content-Type"] = consentement.type_mime
    response["Content-Disposition"] = content_disposition_header(
        True, f"consentement-enfant-{consentement.enfant_id}{extension}"
    )
    return response


# Forms -------------------------------------------------------------------------------------


def _contexte_form(form, **extra):
    return {
        "form": form,
        "erreurs": form.summary() if form.is_bound else [],
        **extra,
    }


def enfant_create(request):
    """Open a child's record in the current contract (PRE staff)."""
    _check_view(request)
    user = request.user
    contrat = contrat_courant(request)
    if not perms.is_pre_staff(user, contrat):
        raise PermissionDenied
    form = EnfantForm(request.POST or None, user=user, contrat=contrat)
    if form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            enfant = services.enfant_create(user=user, contrat=contrat, **data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Le dossier n° {enfant.pk} est enregistré.")
            return redirect("pre:enfant_detail", enfant.pk)
    return render(
        request,
        "pre/enfant_form.html",
        _contexte_form(
            form,
            enfant=None,
            contrat=contrat,
            erreurs_titre="Le dossier n'est pas enregistré : corrigez les champs signalés.",
        ),
    )


def enfant_edit(request, pk):
    """Change the child's identity at the version the user read; a version saved meanwhile
    by someone else is refused and the saved values shown."""
    enfant = _enfant_modifiable(request, pk)
    user = request.user
    if request.method == "POST":
        form = EnfantForm(request.POST, user=user, contrat=enfant.contrat)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.enfant_update(enfant=enfant, user=user, version=version, **data)
            except services.VersionPerimee as exc:
                enfant = exc.actuel
                donnees = request.POST.copy()
                donnees["version"] = enfant.version
                form = EnfantForm(donnees, user=user, contrat=enfant.contrat)
                form.is_valid()
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Le dossier n° {enfant.pk} est enregistré.")
                return redirect("pre:enfant_detail", enfant.pk)
    else:
        form = EnfantForm(initial=EnfantForm.initial_of(enfant), user=user, contrat=enfant.contrat)
    journaliser(user=user, enfant=enfant, objet="modification de la fiche enfant")
    return render(
        request,
        "pre/enfant_form.html",
        _contexte_form(
            form,
            enfant=enfant,
            contrat=enfant.contrat,
            erreurs_titre="Le dossier n'est pas enregistré : corrigez les champs signalés.",
        ),
    )


def _responsable_page(request, enfant, responsable):
    user = request.user
    form = ResponsableForm(request.POST or None, instance=responsable)
    if form.is_bound and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.CHAMPS_RESPONSABLE}
        try:
            services.responsable_save(
                enfant=enfant, user=user, responsable=responsable if responsable.pk else None,
                **data,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"La famille du dossier n° {enfant.pk} est enregistrée.")
            return redirect("pre:enfant_detail", enfant.pk)
    if responsable.pk:
        journaliser(user=user, enfant=enfant, objet="responsable légal")
    return render(
        request,
        "pre/enfant_responsable_form.html",
        _contexte_form(
            form,
            enfant=enfant,
            responsable=responsable,
            erreurs_titre="Le responsable légal n'est pas enregistré : corrigez les champs "
            "signalés.",
        ),
    )


def responsable_add(request, pk):
    enfant = _enfant_modifiable(request, pk)
    return _responsable_page(request, enfant, ResponsableLegal(enfant=enfant))


def responsable_edit(request, pk):
    _check_view(request)
    responsable = get_object_or_404(
        ResponsableLegal.objects.for_user(request.user)
        .filter(enfant__anonymise_le__isnull=True)
        .select_related("enfant__contrat"),
        pk=pk,
    )
    if not perms.can_edit_enfant(request.user, responsable.enfant):
        raise PermissionDenied
    return _responsable_page(request, responsable.enfant, responsable)


def consentement_add(request, pk):
    enfant = _enfant_modifiable(request, pk)
    form = ConsentementForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        try:
            services.consentement_add(
                enfant=enfant,
                user=request.user,
                date=form.cleaned_data["date"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Le consentement du dossier n° {enfant.pk} est enregistré.")
            return redirect("pre:enfant_detail", enfant.pk)
    return render(
        request,
        "pre/enfant_consentement_form.html",
        _contexte_form(
            form,
            enfant=enfant,
            erreurs_titre="Le consentement n'est pas enregistré : corrigez les champs signalés.",
        ),
    )


def reperage_add(request, pk):
    enfant = _enfant_modifiable(request, pk)
    form = ReperageForm(request.POST or None, user=request.user)
    if form.is_bound and form.is_valid():
        try:
            services.reperage_create(enfant=enfant, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Le repérage du dossier n° {enfant.pk} est enregistré.")
            return redirect("pre:enfant_detail", enfant.pk)
    return render(
        request,
        "pre/enfant_reperage_form.html",
        _contexte_form(
            form,
            enfant=enfant,
            erreurs_titre="Le repérage n'est pas enregistré : corrigez les champs signalés.",
        ),
    )


# The family's rights ----------------------------------------------------------------------


def enfant_export(request, pk):
    """Right of access: everything held on the family, as JSON (default) or Excel
    (`?format=xlsx`)."""
    enfant = _enfant(request, pk)
    if not perms.can_export_famille(request.user, enfant):
        raise PermissionDenied
    donnees = services.famille_export(enfant)
    journaliser(user=request.user, enfant=enfant, objet="export famille")
    nom = f"famille-enfant-{enfant.pk}"
    if request.GET.get("format") == "xlsx":
        return workbook_response(services.famille_classeur(donnees), f"{nom}.xlsx")
    response = HttpResponse(
        json.dumps(donnees, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{nom}.json"'
    return response


def enfant_effacer(request, pk):
    """Right to erasure: the coordinator erases the family's personal data after typing the
    record's number."""
    enfant = _enfant(request, pk)
    if not perms.can_erase_famille(request.user, enfant):
        raise PermissionDenied
    form = EffacementForm(request.POST or None, enfant=enfant)
    if form.is_bound and form.is_valid():
        services.famille_effacer(enfant=enfant, user=request.user)
        messages.success(
            request, f"Les données personnelles du dossier n° {enfant.pk} sont effacées."
        )
        return redirect("pre:enfant_list")
    return render(
        request,
        "pre/enfant_effacer.html",
        _contexte_form(
            form,
            enfant=enfant,
            erreurs_titre="Rien n'a été effacé : corrigez le champ signalé.",
        ),
    )


# The log of reads -------------------------------------------------------------------------


def journal(request):
    """The coordinator's log of reads of the current contract's children, filtered by
    child number and user, latest first."""
    contrat = contrat_courant(request)
    if not perms.can_view_journal(request.user, contrat):
        raise PermissionDenied
    lignes = JournalAcces.objects.for_user(request.user).filter(contrat=contrat)
    utilisateurs = User.objects.filter(  # unscoped: the readers the coordinator's log names
        pk__in=lignes.values("utilisateur_id")
    ).order_by("last_name", "first_name", "email")
    form = JournalFiltreForm(request.GET or None, utilisateurs=utilisateurs)
    filtres = form.filtres()
    if "enfant" in filtres:
        lignes = lignes.filter(enfant_numero=filtres["enfant"])
    if "utilisateur" in filtres:
        lignes = lignes.filter(utilisateur=filtres["utilisateur"])
    page = Paginator(lignes.select_related("utilisateur"), PAR_PAGE_JOURNAL).get_page(
        request.GET.get("page")
    )
    criteres = request.GET.copy()
    criteres.pop("page", None)
    return render(
        request,
        "pre/journal.html",
        {"contrat": contrat, "form": form, "page": page, "criteres": criteres},
    )
