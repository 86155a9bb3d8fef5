"""Pages of the pathways (active file, waiting list, a pathway with its actions, reviews and
exit), the price grid and the PRE's budget. PRE staff of the current contract only: every
page checks pre.perms, then starts from the models' for_user() and get_object_or_404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cdv.excel import EURO, PERCENT, add_table, new_workbook, workbook_response
from cdv.selectors import contrat_courant
from pre import perms, selectors_parcours, services_parcours
from pre.forms_parcours import (
    ActionForm,
    BudgetForm,
    DemarrerForm,
    GrilleFormSet,
    ParcoursForm,
    RevueForm,
    SortieForm,
)
from pre.models import ActionParcours, BudgetPRE
from pre.services_journal import journaliser, journaliser_plusieurs


def _contrat(request):
    """The current contract, if the user is of its PRE staff (403 otherwise)."""
    contrat = contrat_courant(request)
    if not perms.can_manage_parcours(request.user, contrat):
        raise PermissionDenied(perms.REFUS_PARCOURS)
    return contrat


def _parcours(request, pk):
    contrat = _contrat(request)
    queryset = selectors_parcours.parcours_detail(user=request.user, contrat=contrat, pk=pk)
    return get_object_or_404(queryset, pk=pk)


def _entier(valeur):
    try:
        return int(valeur)
    except (TypeError, ValueError):
        return None


def _detail_url(parcours, ancre=""):
    return reverse("pre:parcours_detail", args=[parcours.pk]) + ancre


def parcours_list(request):
    """The active file with its cap, the waiting list (oldest first) and the pathways closed
    this year; ?referent=<id> or ?mes=1 narrow them to one référent."""
    contrat = _contrat(request)
    referents = list(selectors_parcours.referents_queryset(contrat))
    referent = None
    if request.GET.get("mes"):
        referent = request.user
    else:
        referent_id = _entier(request.GET.get("referent"))
        referent = next((r for r in referents if r.pk == referent_id), None)
    fichier = selectors_parcours.file_active(user=request.user, contrat=contrat, referent=referent)
    enfants = [p.enfant for p in fichier.actifs + fichier.attente + fichier.clos]
    journaliser_plusieurs(user=request.user, enfants=enfants, objet="liste des parcours")
    return render(
        request,
        "pre/parcours_list.html",
        {
            "contrat": contrat,
            "file": fichier,
            "referents": referents,
            "referent": referent,
            "mes": bool(request.GET.get("mes")),
            "aujourdhui": timezone.localdate(),
        },
    )


def _render_detail(request, parcours, status=200, **forms):
    contrat = parcours.enfant.contrat
    actions = list(parcours.actions.all())
    qf = selectors_parcours.quotient_familial(parcours.enfant)
    tranches = selectors_parcours.grille(contrat)
    satisfaction, commentaire = selectors_parcours.satisfaction_lignes(parcours)
    context = {
        "satisfaction": satisfaction,
        "satisfaction_commentaire": commentaire,
        "parcours": parcours,
        "enfant": parcours.enfant,
        "age": parcours.enfant.age(timezone.localdate()),
        "actions": actions,
        "totaux": selectors_parcours.totaux_actions(actions),
        "revues": list(parcours.revues.all()),
        "qf": qf,
        "tranche": selectors_parcours.tranche_de(qf, tranches),
        "grille": tranches,
        "form": forms.get("form")
        or ParcoursForm(initial=ParcoursForm.initial_of(parcours), contrat=contrat),
        "action_form": forms.get("action_form") or ActionForm(user=request.user),
        "revue_form": forms.get("revue_form") or RevueForm(),
        "sortie_form": forms.get("sortie_form")
        or SortieForm(initial={"version": parcours.version, "adhesion": parcours.adhesion}),
        "demarrer_form": forms.get("demarrer_form")
        or DemarrerForm(initial={"version": parcours.version, "date_entree": timezone.localdate()}),
        "places_libres": selectors_parcours.plafond(contrat)
        - selectors_parcours.nb_actifs(contrat),
    }
    journaliser(user=request.user, enfant=parcours.enfant, objet="fiche parcours")
    return render(request, "pre/parcours_detail.html", context, status=status)


def parcours_detail(request, pk):
    """A pathway: the child, référent, axes, objectives, adherence, actions with their
    shares, reviews and exit."""
    return _render_detail(request, _parcours(request, pk))


def _poster(request, pk, form_class, cle, action, succes, ancre, form_kwargs=None):
    """Validate `form_class`, run `action(parcours, form)`, then redirect to the pathway
    (or show it again, the errors next to their fields)."""
    parcours = _parcours(request, pk)
    if request.method != "POST":
        return redirect(_detail_url(parcours, ancre))
    form = form_class(request.POST, **(form_kwargs(parcours) if form_kwargs else {}))
    if form.is_valid():
        try:
            action(parcours, form)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, succes.format(numero=parcours.pk))
            return redirect(_detail_url(parcours, ancre))
    return _render_detail(request, parcours, status=400, **{cle: form})


def parcours_edit(request, pk):
    """Change the référent, axes, objectives and adherence (with the version check)."""

    def action(parcours, form):
        services_parcours.parcours_modifier(
            user=request.user, parcours=parcours, **form.cleaned_data
        )

    return _poster(
        request, pk, ParcoursForm, "form", action,
        "Le parcours n° {numero} est enregistré.", "#suivi",
        form_kwargs=lambda p: {"contrat": p.enfant.contrat},
    )  # fmt: skip


def parcours_demarrer(request, pk):
    """Start a pathway of the waiting list (refused above the cap)."""

    def action(parcours, form):
        services_parcours.parcours_demarrer(
            user=request.user, parcours=parcours, **form.cleaned_data
        )

    return _poster(
        request, pk, DemarrerForm, "demarrer_form", action,
        "Le parcours n° {numero} a démarré.", "",
    )  # fmt: skip


def parcours_action_create(request, pk):
    """Add an action; the shares come from the price grid and the family's quotient."""

    def action(parcours, form):
        services_parcours.action_ajouter(user=request.user, parcours=parcours, **form.cleaned_data)

    return _poster(
        request, pk, ActionForm, "action_form", action,
        "L'action est ajoutée au parcours n° {numero}.", "#actions",
        form_kwargs=lambda p: {"user": request.user},
    )  # fmt: skip


def parcours_revue_create(request, pk):
    """Record a periodic review."""

    def action(parcours, form):
        services_parcours.revue_ajouter(user=request.user, parcours=parcours, **form.cleaned_data)

    return _poster(
        request, pk, RevueForm, "revue_form", action,
        "La revue du parcours n° {numero} est enregistrée.", "#revues",
    )  # fmt: skip


def parcours_sortie(request, pk):
    """Close the pathway: exit date, reason, adherence and the family's questionnaire."""

    def action(parcours, form):
        data = form.cleaned_data
        services_parcours.parcours_clore(
            user=request.user,
            parcours=parcours,
            version=data["version"],
            date_sortie=data["date_sortie"],
            motif_sortie=data["motif_sortie"],
            adhesion=data["adhesion"],
            reponses=form.reponses(),
            commentaire=data["commentaire"],
        )

    return _poster(
        request, pk, SortieForm, "sortie_form", action,
        "Le parcours n° {numero} est clos.", "#sortie",
    )  # fmt: skip


@require_POST
def parcours_action_delete(request, pk):
    """Remove an action entered by mistake."""
    contrat = _contrat(request)
    action = get_object_or_404(
        ActionParcours.objects.for_user(request.user)
        .filter(parcours__enfant__contrat=contrat)
        .select_related("parcours"),
        pk=pk,
    )
    try:
        services_parcours.action_supprimer(user=request.user, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"L'action est retirée du parcours n° {action.parcours_id}.")
    return redirect(_detail_url(action.parcours, "#actions"))


def grille(request):
    """The contract's price grid: its brackets, edited together (no overlap, no gap)."""
    contrat = _contrat(request)
    tranches = selectors_parcours.grille(contrat)
    erreur_grille = None
    if request.method == "POST":
        formset = GrilleFormSet(request.POST, prefix="tranche")
        if formset.is_valid():
            lignes = formset.lignes()
            try:
                services_parcours.grille_enregistrer(
                    user=request.user, contrat=contrat, lignes=[ligne for _, ligne in lignes]
                )
            except services_parcours.GrilleInvalide as exc:
                erreur_grille = exc.messages[0]
                for index, champs in exc.lignes.items():
                    for champ, message in champs.items():
                        lignes[index][0].add_error(champ, message)
            except ValidationError as exc:
                erreur_grille = " ".join(exc.messages)
            else:
                messages.success(request, "La grille tarifaire est enregistrée.")
                return redirect("pre:grille")
        else:
            erreur_grille = services_parcours.GRILLE_INVALIDE
    else:
        formset = GrilleFormSet(
            prefix="tranche",
            initial=[
                {"qf_min": t.qf_min, "qf_max": t.qf_max, "part_famille": t.part_famille}
                for t in tranches
            ],
        )
    return render(
        request,
        "pre/grille.html",
        {"contrat": contrat, "tranches": tranches, "formset": formset, "erreur": erreur_grille},
        status=400 if erreur_grille else 200,
    )


def budget(request):
    """The budget of a year per funder against what the PRE spent, and both over the years;
    the form enters a funder's budget."""
    contrat = _contrat(request)
    annee = _entier(request.GET.get("annee"))
    if request.method == "POST":
        form = BudgetForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                ligne = services_parcours.budget_enregistrer(
                    user=request.user, contrat=contrat, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, f"Le budget {ligne.annee} de {ligne.financeur} est enregistré."
                )
                return redirect(f"{reverse('pre:budget')}?annee={ligne.annee}")
        annee = annee or _entier(request.POST.get("annee"))
    else:
        form = None
    bilan = selectors_parcours.budget_annuel(contrat=contrat, annee=annee)
    form = form or BudgetForm(initial={"annee": bilan.annee}, user=request.user)
    return render(
        request,
        "pre/budget.html",
        {"contrat": contrat, "bilan": bilan, "form": form},
        status=400 if form.errors else 200,
    )


def _fraction(points):
    return None if points is None else float(points) / 100


def budget_workbook(bilan):
    """Sheets: the year's budget per funder, and budget against spent per year."""
    workbook = new_workbook()
    add_table(
        workbook,
        f"Financeurs {bilan.annee}",
        ["Financeur", "Budget"],
        [[str(b.financeur), float(b.montant)] for b in bilan.financeurs],
        formats={1: EURO},
        totals=[1],
    )
    add_table(
        workbook,
        "Par année",
        ["Année", "Budget", "Dépensé (part du PRE)", "Reste", "Dépensé / budget"],
        [
            [e.annee, float(e.budget), float(e.depense), float(e.reste), _fraction(e.taux)]
            for e in bilan.evolution
        ],
        formats={1: EURO, 2: EURO, 3: EURO, 4: PERCENT},
    )
    return workbook


def budget_excel(request):
    """The budget page as a workbook: the same figures."""
    contrat = _contrat(request)
    bilan = selectors_parcours.budget_annuel(
        contrat=contrat, annee=_entier(request.GET.get("annee"))
    )
    return workbook_response(budget_workbook(bilan), f"budget-pre-{bilan.annee}.xlsx")


@require_POST
def budget_delete(request, pk):
    """Remove a funder's budget line."""
    contrat = _contrat(request)
    ligne = get_object_or_404(
        BudgetPRE.objects.for_user(request.user).filter(contrat=contrat), pk=pk
    )
    services_parcours.budget_supprimer(user=request.user, budget=ligne)
    messages.success(request, f"Le budget {ligne.annee} de {ligne.financeur} est supprimé.")
    return redirect(f"{reverse('pre:budget')}?annee={ligne.annee}")
