"""Writes of the programmation: keyword-only, one transaction, history and notifications."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone

from cdv import formats
from cdv.formats import montant
from programmation import notifications, perms, selectors, services_echanges
from programmation.enums import (
    COMPTE_SUBVENTIONS,
    CPO_ANNEES_MAX,
    CPO_ANNEES_MIN,
    TRANSITIONS,
    EtatAction,
    EtatAppel,
    KindVersement,
    NatureFinancement,
)
from programmation.models import (
    Action,
    ActionQuartier,
    AppelAProjets,
    Avis,
    Bilan,
    BilanQuartier,
    Convention,
    Financement,
    Indicateur,
    LigneBudget,
    MontantAnnuel,
    Relance,
    TransitionAction,
    Versement,
)

CENT = Decimal("100")
REQUIRED = "Ce champ est obligatoire pour déposer la demande."
# Codes whose application must be complete: the porteur hands it over to the instructors.
SUBMISSIONS = {"deposer", "completer"}
# Codes whose bilan must be complete: the porteur hands it over to the instructors.
BILAN_SUBMISSIONS = {"deposer_bilan"}
# Codes that need a comment explaining them to the porteur.
COMMENT_REQUIRED = {"demander_complements", "demander_complements_bilan", "refuser", "ajourner"}
# What a programming committee decides for one action.
COMITE_DECISIONS = {"programmer", "refuser", "ajourner"}


def _pourcentage(value):
    """90.00 → "90", 92.50 → "92,5": a share as people write it."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _to_decimal(value, field):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Indiquez un montant en euros."}) from None


def action_submission_errors(action):
    """Every problem that prevents submitting the application, as {field: [messages]}.

    The short form (total requested under the call's threshold) needs no indicators,
    human resources nor detailed objectives, and only the statutes and the RIB among the
    organisation's documents (services_echanges.natures_obligatoires).
    """
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    for field in ("intitule", "description", "public_vise", "lieux"):
        if not (getattr(action, field) or "").strip():
            add(field, REQUIRED)
    for field in ("pilier_id", "objectif_id", "date_debut", "date_fin", "beneficiaires_prevus"):
        if getattr(action, field) is None:
            add(field.removesuffix("_id"), REQUIRED)
    try:
        action.clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                add(field, message)

    demande = selectors.montant_demande_total(action)
    courte = demande < action.appel.seuil_demande_simplifiee
    if not courte:
        if not action.objectifs_action.strip():
            add("objectifs_action", "Décrivez les objectifs de l'action.")
        if not action.indicateurs.exists():
            add("indicateurs", "Indiquez au moins un indicateur d'évaluation et sa cible.")

    parts = action.quartiers.aggregate(total=Sum("part"))["total"]
    if parts is None:
        add("quartiers", "Indiquez au moins un quartier où l'action se déroule.")
    elif parts != CENT:
        add(
            "quartiers",
            f"Les parts des quartiers totalisent {_pourcentage(parts)} % au lieu de 100 %.",
        )

    if demande <= 0:
        add("financements", "Sollicitez au moins un financeur pour un montant positif.")
    totaux = selectors.budget_totaux(action)
    if totaux.charges <= 0:
        add("budget", "Le budget prévisionnel doit comporter des charges.")
    if totaux.charges != totaux.produits:
        add(
            "budget",
            f"Le budget n'est pas équilibré : {montant(totaux.charges)} de charges pour "
            f"{montant(totaux.produits)} de produits.",
        )
    if totaux.charges_en_nature != totaux.produits_en_nature:
        add(
            "budget",
            "Les contributions en nature doivent s'équilibrer : "
            f"{montant(totaux.charges_en_nature)} au compte 86 pour "
            f"{montant(totaux.produits_en_nature)} au compte 87.",
        )
    # Per funder, as one funder may be asked for specific credits and ordinary budgets.
    demandes = (
        action.financements.values("financeur", "financeur__nom")
        .annotate(total=Sum("montant_demande"))
        .order_by("financeur__nom")
    )
    lignes = dict(
        action.lignes_budget.filter(compte=COMPTE_SUBVENTIONS, financeur__isnull=False)
        .values("financeur")
        .annotate(total=Sum("montant_previsionnel"))
        .values_list("financeur", "total")
    )
    for demandee in demandes:
        ligne = lignes.get(demandee["financeur"])
        if ligne is None:
            add(
                "budget",
                f"La subvention demandée à {demandee['financeur__nom']} "
                f"({montant(demandee['total'])}) doit figurer au compte 74 du budget.",
            )
        elif ligne != demandee["total"]:
            add(
                "budget",
                f"La subvention demandée à {demandee['financeur__nom']} "
                f"({montant(demandee['total'])}) diffère de celle inscrite au compte 74 "
                f"du budget ({montant(ligne)}).",
            )
    # The organisation's documents (statutes, RIB…): attached, or reused while valid.
    for message in services_echanges.pieces_submission_errors(action):
        add("pieces", message)
    return errors


def _lock(action):
    return Action.objects.select_for_update(of=("self",)).select_related("appel").get(pk=action.pk)


def _check_transition(user, action, code):
    if code not in TRANSITIONS:
        raise ValidationError(f"Étape inconnue : {code}.")
    if not perms.can_transition(user, action, code):
        raise PermissionDenied(
            f"Vous ne pouvez pas « {TRANSITIONS[code].label.lower()} » "
            f"une action à l'état « {action.get_etat_display()} »."
        )


@transaction.atomic
def action_transition(*, action, code, user, commentaire=""):
    """Move the action one step along the workflow table, recording who, when and why.

    The row is locked so that two people cannot take concurrent steps; the rule is
    checked again on the locked row. Notifications leave once the transaction commits.
    Returns the action as saved (the instance passed in is not updated).
    """
    action = _lock(action)
    _check_transition(user, action, code)
    commentaire = (commentaire or "").strip()
    if code in COMMENT_REQUIRED and not commentaire:
        raise ValidationError({"commentaire": "Expliquez cette décision au porteur."})
    if code == "deposer" and action.appel.etat != EtatAppel.OUVERT:
        raise ValidationError(
            f"L'appel « {action.appel.titre} » n'est pas ouvert aux dépôts "
            f"({action.appel.get_etat_display().lower()})."
        )
    if code in SUBMISSIONS:
        errors = action_submission_errors(action)
        if errors:
            raise ValidationError(errors)
        services_echanges.pieces_reprendre(action=action)
        action.deposee_le = action.deposee_le or timezone.now()
    if code in BILAN_SUBMISSIONS:
        errors = bilan_submission_errors(action)
        if errors:
            raise ValidationError(errors)
        Bilan.objects.filter(action=action).update(date_depot=timezone.now())
    if code == "instruire" and action.instructeur_id is None:
        action.instructeur = user
    if code == "programmer" and not action.financements.filter(montant_accorde__gt=0).exists():
        raise ValidationError(
            {"financements": "Indiquez le montant accordé par au moins un financeur."}
        )

    etat_avant = action.etat
    action.etat = TRANSITIONS[code].target
    action.save()
    step = TransitionAction.objects.create(
        action=action,
        code=code,
        etat_avant=etat_avant,
        etat_apres=action.etat,
        auteur=user,
        commentaire=commentaire,
    )
    from programmation.tasks import notify_transition

    # Robust: once the step is committed, a broker outage must not turn it into an error page.
    transaction.on_commit(lambda: notify_transition.delay(step.pk), robust=True)
    return action


@transaction.atomic
def avis_record(*, action, user, sens, montant_propose=None, commentaire="", annotation_privee=""):
    """Record (or revise) the opinion of the user's organisation on a solicited action;
    the proposed amount is copied to that funder's financing (see below)."""
    action = _lock(action)
    if not perms.can_give_avis(user, action):
        raise PermissionDenied("Votre organisation ne peut pas rendre d'avis sur cette action.")
    montant_propose = _to_decimal(montant_propose, "montant_propose")
    avis = Avis.objects.filter(action=action, financeur_id=user.organisation_id).first()
    avis = avis or Avis(action=action, financeur_id=user.organisation_id)
    avis.auteur = user
    avis.sens = sens
    avis.montant_propose = montant_propose
    avis.commentaire = commentaire
    avis.annotation_privee = annotation_privee
    avis.date = timezone.now()
    avis.full_clean()
    avis.save()
    # One proposal per funder: it goes on its crédits spécifiques line (else its first line),
    # so that a funder asked under both natures is not counted twice.
    lignes = sorted(
        action.financements.filter(financeur_id=user.organisation_id),
        key=lambda f: (f.nature != NatureFinancement.SPECIFIQUE, f.pk),
    )
    for index, financement in enumerate(lignes):
        financement.montant_propose = montant_propose if index == 0 else None
        financement.save(update_fields=["montant_propose"])
    return avis


@transaction.atomic
def comite_decide(*, action, user, code, montants=None, commentaire=""):
    """The committee's decision on one action: programmer (with the amount granted by each
    funder, {financement_id: amount}), refuser or ajourner."""
    if code not in COMITE_DECISIONS:
        raise ValidationError(f"Décision inconnue : {code}.")
    locked = _lock(action)
    # The rule first: nobody learns about, or writes, the amounts of an action they cannot decide.
    _check_transition(user, locked, code)
    if code == "programmer":
        financements = {f.pk: f for f in Financement.objects.filter(action=locked)}
        for pk, value in (montants or {}).items():
            try:
                financement = financements[int(pk)]
            except (KeyError, TypeError, ValueError):
                raise ValidationError(
                    {"financements": "Ce financement n'est pas sur l'action."}
                ) from None
            accorde = _to_decimal(value, "financements")
            if accorde is not None and accorde < 0:
                raise ValidationError({"financements": "Un montant accordé ne peut être négatif."})
            financement.montant_accorde = accorde
            financement.full_clean()
            financement.save(update_fields=["montant_accorde"])
    return action_transition(action=locked, code=code, user=user, commentaire=commentaire)


@transaction.atomic
def action_declare_non_realisee(*, action, user, montant_a_reverser=None, commentaire=""):
    """Declare a funded action not carried out, with the amount the porteur must pay back:
    by default everything paid to it (every payment of every convention), never more."""
    code = "declarer_non_realisee"
    locked = _lock(action)
    _check_transition(user, locked, code)
    reverser = _to_decimal(montant_a_reverser, "montant_a_reverser")
    verse = selectors.total_verse(locked)
    if reverser is None:
        reverser = verse
    if reverser < 0 or reverser > verse:
        raise ValidationError(
            {
                "montant_a_reverser": "Le montant à reverser doit être compris entre 0 et "
                f"le montant versé ({montant(verse)})."
            }
        )
    locked.montant_a_reverser = reverser
    locked.save(update_fields=["montant_a_reverser"])
    return action_transition(action=locked, code=code, user=user, commentaire=commentaire)


# Conventions -------------------------------------------------------------------------------


def _decaler(date, annees):
    """The same day `annees` years later (29 February becomes the 28th)."""
    if date is None:
        return None
    try:
        return date.replace(year=date.year + annees)
    except ValueError:
        return date.replace(year=date.year + annees, day=28)


def _annees_cpo(action, annees):
    """The following years of a CPO as {year: Decimal amount}, checked: consecutive years
    right after the action's, 2 to 4 years in all, within the contract, amounts positive."""
    if not annees:
        return {}
    debut = action.appel.annee
    message = (
        f"Une convention pluriannuelle couvre de {CPO_ANNEES_MIN} à {CPO_ANNEES_MAX} années "
        f"consécutives à partir de {debut} : indiquez le montant de chaque année suivante "
        f"({debut + 1}, puis au plus {debut + CPO_ANNEES_MAX - 1})."
    )
    montants = {}
    for annee, value in annees.items():
        try:
            annee = int(annee)
        except (TypeError, ValueError):
            raise ValidationError({"annees": message}) from None
        value = _to_decimal(value, "annees")
        if value is None or value <= 0:
            raise ValidationError({"annees": f"Indiquez un montant positif pour l'année {annee}."})
        montants[annee] = value
    suivantes = list(range(debut + 1, debut + len(montants) + 1))
    if sorted(montants) != suivantes or not (CPO_ANNEES_MIN <= len(montants) + 1 <= CPO_ANNEES_MAX):
        raise ValidationError({"annees": message})
    contrat = action.appel.contrat
    if max(montants) > contrat.annee_fin:
        raise ValidationError(
            {
                "annees": f"La convention ne peut aller au-delà de la fin du contrat "
                f"({contrat.annee_fin})."
            }
        )
    return dict(sorted(montants.items()))


def _appel_de_l_annee(action, annee):
    """The contract's call of `annee` (the first created, if several), or a new one in
    preparation, titled like this year's call."""
    appel = (
        AppelAProjets.objects.filter(contrat_id=action.appel.contrat_id, annee=annee)
        .order_by("pk")
        .first()
    )
    if appel is not None:
        return appel
    source = action.appel
    titre = source.titre.replace(str(source.annee), str(annee))
    if titre == source.titre:
        titre = f"{source.titre} {annee}"
    appel = AppelAProjets(
        contrat_id=source.contrat_id,
        annee=annee,
        titre=titre,
        etat=EtatAppel.EN_PREPARATION,
        seuil_demande_simplifiee=source.seuil_demande_simplifiee,
        seuil_ecart_bilan=source.seuil_ecart_bilan,
    )
    appel.full_clean()
    appel.save()
    return appel


# What a renewal copies from the application, as is.
CHAMPS_RECONDUITS = [
    "intitule",
    "description",
    "objectifs_action",
    "pilier_id",
    "objectif_id",
    "thematique_id",
    "public_vise",
    "beneficiaires_prevus",
    "part_femmes",
    "part_qpv",
    "tranches_age",
    "lieux",
    "moyens_humains",
]


def _copier_demande(action, appel):
    """A draft renewal of `action` on `appel`: the application, its quartiers' shares, its
    indicators (targets only) and its forecast budget; dates moved to the new year; no
    funding (each funder is added by the convention that commits it)."""
    decalage = appel.annee - action.appel.annee
    suite = Action(
        appel=appel,
        porteur_id=action.porteur_id,
        est_reconduction=True,
        reconduction_de=action,
        date_debut=_decaler(action.date_debut, decalage),
        date_fin=_decaler(action.date_fin, decalage),
        **{champ: getattr(action, champ) for champ in CHAMPS_RECONDUITS},
    )
    suite.full_clean()
    suite.save()
    suite.axes.set(action.axes.all())
    ActionQuartier.objects.bulk_create(
        ActionQuartier(action=suite, quartier_id=q.quartier_id, part=q.part)
        for q in action.quartiers.all()
    )
    Indicateur.objects.bulk_create(
        Indicateur(action=suite, libelle=i.libelle, cible=i.cible) for i in action.indicateurs.all()
    )
    LigneBudget.objects.bulk_create(
        LigneBudget(
            action=suite,
            compte=ligne.compte,
            libelle=ligne.libelle,
            financeur_id=ligne.financeur_id,
            montant_previsionnel=ligne.montant_previsionnel,
        )
        for ligne in action.lignes_budget.order_by("id")
    )
    return suite


def _reconduire(*, action, financeur, nature, annee, montant_annuel):
    """Prepare `annee` of a CPO: the draft renewal of the action on that year's call (created,
    or the one another funder's CPO already prepared) asks `financeur` for the yearly amount,
    on its funding row and its subsidy line (compte 74)."""
    suite = Action.objects.filter(
        reconduction_de=action, appel__contrat_id=action.appel.contrat_id, appel__annee=annee
    ).first()
    if suite is None:
        suite = _copier_demande(action, _appel_de_l_annee(action, annee))
    elif suite.etat != EtatAction.BROUILLON:
        raise ValidationError(
            {
                "annees": f"La reconduction de {annee} est déjà déposée : le porteur doit y "
                f"solliciter lui-même {financeur}."
            }
        )
    Financement.objects.update_or_create(
        action=suite,
        financeur=financeur,
        nature=nature,
        defaults={"montant_demande": montant_annuel},
    )
    lignes = list(
        suite.lignes_budget.filter(compte=COMPTE_SUBVENTIONS, financeur=financeur).order_by("id")
    )
    if lignes:
        premiere, autres = lignes[0], lignes[1:]
        premiere.montant_previsionnel = montant_annuel
        premiere.save(update_fields=["montant_previsionnel"])
        LigneBudget.objects.filter(pk__in=[ligne.pk for ligne in autres]).delete()
    else:
        LigneBudget.objects.create(
            action=suite,
            compte=COMPTE_SUBVENTIONS,
            financeur=financeur,
            montant_previsionnel=montant_annuel,
        )
    return suite


@transaction.atomic
def convention_create(*, action, financeur, user, date_signature, numero="", annees=None):
    """Record the convention signed with `financeur` for a programmed action, for the amount
    it granted (the sum of its `montant_accorde`).

    With `annees` ({2027: amount, 2028: amount}) it is a multi-year convention (CPO) covering
    2 to 4 years: each following year gets its amount and a pre-filled draft renewal on that
    year's call of the contract (created "en préparation" if there is none), asking the funder
    for that amount. Once every funder that granted something has its convention, the action
    moves to "conventionnée". All or nothing.
    """
    locked = _lock(action)
    if not perms.can_manage_conventions(user, locked):
        raise PermissionDenied(
            "Seule l'équipe politique de la ville du contrat conventionne une action programmée."
        )
    financements = list(
        locked.financements.filter(financeur=financeur, montant_accorde__gt=0).order_by(
            "-montant_accorde", "pk"
        )
    )
    if not financements:
        raise ValidationError(
            {"financeur": f"{financeur} n'a accordé aucun montant à cette action."}
        )
    suivantes = _annees_cpo(locked, annees)
    accorde = sum((f.montant_accorde for f in financements), Decimal("0"))
    convention = Convention(
        action=locked,
        financeur=financeur,
        numero=(numero or "").strip(),
        date_signature=date_signature,
        montant=accorde,
        pluriannuelle=bool(suivantes),
        annee_fin=max(suivantes) if suivantes else None,
        auteur=user,
    )
    convention.full_clean()
    convention.save()
    if suivantes:
        MontantAnnuel.objects.bulk_create(
            MontantAnnuel(convention=convention, annee=annee, montant=value)
            for annee, value in {locked.appel.annee: accorde, **suivantes}.items()
        )
    for annee, value in suivantes.items():
        _reconduire(
            action=locked,
            financeur=financeur,
            nature=financements[0].nature,
            annee=annee,
            montant_annuel=value,
        )

    sans_convention = locked.financements.filter(montant_accorde__gt=0).exclude(
        financeur__in=locked.conventions.values("financeur")
    )
    if locked.etat == EtatAction.PROGRAMMEE and not sans_convention.exists():
        action_transition(
            action=locked,
            code="conventionner",
            user=user,
            commentaire="Conventions signées avec chaque financeur.",
        )
    return convention


# Payments ----------------------------------------------------------------------------------


@transaction.atomic
def versement_record(*, convention, user, kind, montant, date, reference=""):
    """Record a payment (avance, acompte, solde) under a convention. The total paid never
    exceeds the convention's amount, and nothing follows the solde."""
    convention = (
        Convention.objects.select_for_update(of=("self",))
        .select_related("action__appel", "financeur")
        .get(pk=convention.pk)
    )
    if not perms.can_record_versement(user, convention.action):
        raise PermissionDenied(
            "Seule l'équipe politique de la ville du contrat enregistre les versements "
            "d'une action financée."
        )
    versement = Versement(
        convention=convention,
        kind=kind,
        montant=_to_decimal(montant, "montant"),
        date=date,
        reference=(reference or "").strip(),
        auteur=user,
    )
    versement.full_clean()
    if convention.versements.filter(kind=KindVersement.SOLDE).exists():
        raise ValidationError(
            {"kind": "Cette convention est soldée : aucun versement ne suit le solde."}
        )
    deja = selectors.verse_sur_convention(convention)
    total = deja + versement.montant
    if total > convention.montant:
        raise ValidationError(
            {
                "montant": f"Ce versement de {formats.montant(versement.montant)} porterait "
                f"le total versé à {formats.montant(total)}, au-delà du montant de la "
                f"convention ({formats.montant(convention.montant)}) : il reste "
                f"{formats.montant(convention.montant - deja)} à verser."
            }
        )
    versement.save()
    return versement


# Bilans ------------------------------------------------------------------------------------

# The bilan's own fields the porteur fills in, in the form's order (the budget and
# indicators live elsewhere).
BILAN_CHAMPS = (
    "beneficiaires_total",
    "femmes",
    "hommes",
    "tranches_age",
    "part_qpv",
    "mise_en_oeuvre",
    "resultats",
    "difficultes",
    "suites",
)


def _signe(value, suffix):
    return f"{'+' if value > 0 else ''}{suffix}"


def bilan_submission_errors(action):
    """Every problem that prevents depositing the bilan, as {field: [messages]}: the number
    of beneficiaries and the results; women + men and the per-quartier counts within the
    total; a realised amount on every budget line, the realised budget balanced (in-kind
    contributions apart), an explanation on every line whose gap exceeds the call's threshold;
    the value achieved by every indicator. Per line: `ligne_<id>`; per indicator:
    `indicateur_<id>`."""
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    bilan = Bilan.objects.filter(action=action).first()
    if bilan is None:
        add("bilan", "Remplissez le bilan de l'action avant de le déposer.")
    else:
        total = bilan.beneficiaires_total
        if total is None:
            add("beneficiaires_total", "Indiquez le nombre de bénéficiaires de l'action.")
        else:
            if bilan.femmes is not None or bilan.hommes is not None:
                femmes, hommes = bilan.femmes or 0, bilan.hommes or 0
                if femmes + hommes > total:
                    add(
                        "femmes",
                        f"Les femmes ({femmes}) et les hommes ({hommes}) sont plus nombreux "
                        f"que l'ensemble des bénéficiaires ({total}).",
                    )
            par_quartier = bilan.quartiers.aggregate(total=Sum("beneficiaires"))["total"]
            if par_quartier is not None and par_quartier > total:
                add(
                    "quartiers",
                    f"Les bénéficiaires comptés par quartier ({par_quartier}) sont plus "
                    f"nombreux que l'ensemble des bénéficiaires ({total}).",
                )
        if not bilan.resultats.strip():
            add("resultats", "Décrivez les résultats obtenus.")

    seuil = _pourcentage(action.appel.seuil_ecart_bilan)
    manquantes = False
    for ligne in selectors.ecarts_budget(action):
        field = f"ligne_{ligne.ligne_id}"
        if ligne.realise is None:
            manquantes = True
            add(field, f"Indiquez le montant réalisé de la ligne « {ligne.libelle} ».")
        elif ligne.justification_requise and not ligne.justification.strip():
            if ligne.ecart_pourcentage is None:
                add(
                    field,
                    f"La ligne « {ligne.libelle} » n'était pas prévue au budget : expliquez "
                    f"son montant réalisé ({montant(ligne.realise)}).",
                )
            else:
                add(
                    field,
                    f"L'écart de la ligne « {ligne.libelle} » "
                    f"({_signe(ligne.ecart, montant(ligne.ecart))}, "
                    f"{_signe(ligne.ecart, _pourcentage(ligne.ecart_pourcentage))} %) "
                    f"dépasse {seuil} % : expliquez-le.",
                )
    if not manquantes:
        totaux = selectors.budget_totaux(action, field="montant_realise")
        if totaux.charges != totaux.produits:
            add(
                "budget",
                f"Le budget réalisé n'est pas équilibré : {montant(totaux.charges)} de charges "
                f"pour {montant(totaux.produits)} de produits.",
            )
        if totaux.charges_en_nature != totaux.produits_en_nature:
            add(
                "budget",
                "Les contributions en nature réalisées doivent s'équilibrer : "
                f"{montant(totaux.charges_en_nature)} au compte 86 pour "
                f"{montant(totaux.produits_en_nature)} au compte 87.",
            )
    for indicateur in action.indicateurs.filter(realise__isnull=True):
        add(
            f"indicateur_{indicateur.pk}",
            f"Indiquez la valeur atteinte de l'indicateur « {indicateur.libelle} ».",
        )
    return errors


def _merge(errors, exc, prefix=None):
    for field, messages in exc.message_dict.items():
        key = prefix or field
        errors.setdefault(key, []).extend(messages)


def _vide(value):
    return value is None or (isinstance(value, str) and not value.strip())


@transaction.atomic
def bilan_save(*, action, user, lignes=None, indicateurs=None, quartiers=None, **champs):
    """Save the porteur's bilan as a draft: only what is passed changes, and only each value's
    own form is checked (the whole bilan is checked when it is deposited).

    - `champs`: the bilan's fields (BILAN_CHAMPS), e.g. beneficiaires_total=40, resultats="…";
    - `lignes`: {budget line id: {"montant_realise": …, "justification_ecart": …}};
    - `indicateurs`: {indicator id: value achieved};
    - `quartiers`: {quartier id: beneficiaries}, replacing the per-quartier counts.
    Every problem is reported at once, and then nothing is written.
    """
    locked = _lock(action)
    if not perms.can_edit_bilan(user, locked):
        raise PermissionDenied(
            "Le bilan est rempli par le porteur de l'action, tant qu'il est attendu."
        )
    inconnus = set(champs) - set(BILAN_CHAMPS)
    if inconnus:
        raise TypeError(f"Champs inconnus du bilan : {', '.join(sorted(inconnus))}.")
    errors = {}
    bilan, _ = Bilan.objects.get_or_create(action=locked)
    for name, value in champs.items():
        text = isinstance(Bilan._meta.get_field(name), models.TextField)
        if _vide(value):
            value = "" if text else None
        setattr(bilan, name, value.strip() if text else value)
    try:
        bilan.full_clean(exclude=["action"])
    except ValidationError as exc:
        _merge(errors, exc)
    else:
        bilan.save()

    if lignes:
        par_id = {ligne.pk: ligne for ligne in locked.lignes_budget.all()}
        for pk, values in lignes.items():
            ligne = par_id.get(_pk(pk))
            if ligne is None:
                errors.setdefault("lignes_budget", []).append(
                    "Cette ligne n'est pas au budget de l'action."
                )
                continue
            if not isinstance(values, dict):
                values = {"montant_realise": values}
            if "montant_realise" in values:
                realise = values["montant_realise"]
                ligne.montant_realise = None if _vide(realise) else realise
            if "justification_ecart" in values:
                ligne.justification_ecart = (values["justification_ecart"] or "").strip()
            try:
                ligne.full_clean(exclude=["action"])
            except ValidationError as exc:
                _merge(errors, exc, prefix=f"ligne_{ligne.pk}")
            else:
                ligne.save(update_fields=["montant_realise", "justification_ecart"])

    if indicateurs:
        par_id = {indicateur.pk: indicateur for indicateur in locked.indicateurs.all()}
        for pk, realise in indicateurs.items():
            indicateur = par_id.get(_pk(pk))
            if indicateur is None:
                errors.setdefault("indicateurs", []).append(
                    "Cet indicateur n'est pas celui de l'action."
                )
                continue
            indicateur.realise = None if _vide(realise) else realise
            try:
                indicateur.full_clean(exclude=["action"])
            except ValidationError as exc:
                _merge(errors, exc, prefix=f"indicateur_{indicateur.pk}")
            else:
                indicateur.save(update_fields=["realise"])

    if quartiers is not None:
        bilan.quartiers.all().delete()
        for quartier, beneficiaires in quartiers.items():
            if _vide(beneficiaires):
                continue
            ligne = BilanQuartier(
                bilan=bilan,
                quartier_id=getattr(quartier, "pk", quartier),
                beneficiaires=beneficiaires,
            )
            try:
                ligne.full_clean(exclude=["bilan"])
            except ValidationError as exc:
                _merge(errors, exc, prefix="quartiers")
            else:
                ligne.save()

    if errors:
        raise ValidationError(errors)
    return bilan


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Reminders ---------------------------------------------------------------------------------

# Reminders start this long before the bilan's deadline, and come back at this interval
# until the bilan is deposited.
RELANCE_AVANT = datetime.timedelta(days=15)
RELANCE_INTERVALLE = datetime.timedelta(days=7)


def bilans_a_relancer(*, today):
    """Actions whose bilan is expected, due within RELANCE_AVANT or overdue, and not
    reminded within RELANCE_INTERVALLE."""
    return (
        Action.objects.filter(
            etat=EtatAction.BILAN_ATTENDU,
            appel__date_limite_bilan__isnull=False,
            appel__date_limite_bilan__lte=today + RELANCE_AVANT,
        )
        .exclude(relances__date__gt=today - RELANCE_INTERVALLE)
        .select_related("appel", "porteur")
        .order_by("pk")
    )


@transaction.atomic
def bilan_relance(*, action, today):
    """Remind the porteur of one action that its bilan is expected, once for `today`.
    Returns the reminder, or None when it was already sent today or nobody can receive it."""
    recipients = notifications.bilan_relance_recipients(action)
    if not recipients:
        return None
    relance, created = Relance.objects.get_or_create(
        action=action,
        date=today,
        defaults={"echeance": action.appel.date_limite_bilan, "nb_destinataires": len(recipients)},
    )
    if not created:
        return None
    # Sent inside the transaction: if the mail server fails, no reminder is recorded and the
    # retried task sends it.
    notifications.bilan_relance_send(relance=relance, recipients=recipients)
    return relance


def bilans_remind(*, today=None):
    """E-mail the porteurs of the bilans due in the next 15 days or overdue: the first time
    they enter that window, then every 7 days; never twice the same day however often it
    runs. Returns how many actions were reminded."""
    today = today or timezone.localdate()
    return sum(
        1
        for action in bilans_a_relancer(today=today)
        if bilan_relance(action=action, today=today) is not None
    )
