"""The chapters of the evaluation workbook (cdv/evaluation.py), one sheet each. Every figure
is read from its module's selector; a chapter the user may not read becomes a sheet saying
so (`Contexte.refus`), its key figures « non disponible » in the synthesis."""

import datetime

from cdv.evaluation_excel import MANQUANT, NON_DISPONIBLE, nombre
from cdv.excel import DATE, EURO, PERCENT

# The portrait's key indicators (catalogue codes), in this order when the catalogue has them.
INDICATEURS_CLES = [
    "population",
    "taux_pauvrete",
    "revenu_median",
    "taux_emploi",
    "familles_monoparentales",
    "defm_abc",
]
JOURS = "0.0"
UNITES = {"pourcentage": " (%)", "euros": " (€)"}


# 2. Bilan physico-financier ----------------------------------------------------------------


def feuille_bilan(workbook, ctx):
    from programmation import perms, selectors

    if not perms.can_view_programmation(ctx.user):
        ctx.chiffres += [
            ("Crédits spécifiques accordés", NON_DISPONIBLE, None),
            ("Actions financées", NON_DISPONIBLE, None),
            ("Porteurs de projet", NON_DISPONIBLE, None),
            ("Quartiers bénéficiaires", NON_DISPONIBLE, None),
        ]
        return ctx.refus(workbook, "bilan")
    bilan = ctx.bilan = selectors.bilan_physico_financier(
        contrat=ctx.contrat, annee_min=ctx.annee_debut, annee_max=ctx.annee_fin, user=ctx.user
    )
    totaux = bilan.totaux
    ctx.chiffres += [
        ("Crédits spécifiques accordés", totaux.credits_specifiques, EURO),
        ("Actions financées", totaux.nb_actions, None),
        ("Porteurs de projet", totaux.nb_porteurs, None),
        ("Quartiers bénéficiaires", sum(1 for q in bilan.quartiers if q.nb_actions), None),
    ]
    feuille = ctx.feuille(workbook, "bilan")
    annees = feuille.tableau(
        "Par année",
        [
            "Année",
            "Nombre d'actions",
            "Crédits spécifiques",
            "Autres financements",
            "Total accordé",
            "Taux de cofinancement",
            "Évolution des crédits",
            "Évolution (%)",
        ],
        [
            (
                a.annee,
                a.nb_actions,
                a.credits_specifiques,
                a.autres_financements,
                a.total_accorde,
                nombre(a.taux_cofinancement),
                nombre(a.evolution_montant),
                nombre(a.evolution_pourcentage),
            )
            for a in bilan.annees
        ],
        formats={2: EURO, 3: EURO, 4: EURO, 5: PERCENT, 6: EURO, 7: PERCENT},
        totaux=(1, 2, 3, 4),
    )
    feuille.graphique(
        annees, [3], "Crédits spécifiques par année", axe="Crédits spécifiques (€)", format_axe=EURO
    )
    feuille.graphique(annees, [2], "Actions financées par année", axe="Actions")
    piliers = feuille.tableau(
        "Par pilier",
        ["Pilier", "Nombre d'actions", "Crédits spécifiques", "Part des crédits"],
        [(p.nom, p.nb_actions, p.credits_specifiques, nombre(p.part)) for p in bilan.piliers],
        formats={2: EURO, 3: PERCENT},
        totaux=(1, 2),
    )
    feuille.graphique(piliers, [3], "Crédits spécifiques par pilier", format_axe=EURO)
    quartiers = feuille.tableau(
        "Par quartier (crédits spécifiques au prorata de la part de chaque quartier)",
        ["Quartier", "Code", "Nombre d'actions", "Crédits spécifiques", "Part des crédits"],
        [
            (q.nom, q.code, q.nb_actions, q.credits_specifiques, nombre(q.part))
            for q in bilan.quartiers
        ],
        formats={3: EURO, 4: PERCENT},
        totaux=(3,),
    )
    feuille.texte(f"Non ventilé entre quartiers : {bilan.non_ventile} €".replace(".", ","))
    feuille.ligne += 1
    feuille.graphique(quartiers, [4], "Crédits spécifiques par quartier", format_axe=EURO)
    financeurs = feuille.tableau(
        "Par financeur",
        [
            "Financeur",
            "Nombre d'actions",
            "Crédits spécifiques",
            "Droit commun",
            "Total accordé",
            "Part du total accordé",
        ],
        [
            (
                f.nom,
                f.nb_actions,
                f.credits_specifiques,
                f.droit_commun,
                f.total_accorde,
                nombre(f.part),
            )
            for f in bilan.financeurs
        ],
        formats={2: EURO, 3: EURO, 4: EURO, 5: PERCENT},
        totaux=(2, 3, 4),
    )
    feuille.graphique(financeurs, [5], "Montants accordés par financeur", format_axe=EURO)
    reconductions = feuille.tableau(
        "Reconductions et actions nouvelles",
        [
            "Année",
            "Reconductions",
            "Crédits des reconductions",
            "Actions nouvelles",
            "Crédits des actions nouvelles",
        ],
        [
            (
                a.annee,
                a.nb_reconductions,
                a.montant_reconductions,
                a.nb_nouvelles,
                a.montant_nouvelles,
            )
            for a in bilan.annees
        ],
        formats={2: EURO, 4: EURO},
        totaux=(1, 2, 3, 4),
    )
    feuille.graphique(reconductions, [2, 4], "Reconductions et actions nouvelles", axe="Actions")
    return feuille.finir()


# 3. Quartiers ------------------------------------------------------------------------------


def _valeur_ecart(ligne):
    """A value of the gaps table as a cell: « s » when secret, « — » when missing."""
    from quartiers.ecarts import SECRET

    if ligne.secret:
        return SECRET
    return nombre(ligne.valeur)


def feuille_quartiers(workbook, ctx):
    from quartiers import ecarts, perms
    from quartiers.enums import Unite

    if not perms.can_view_ecarts(ctx.user):
        return ctx.refus(workbook, "quartiers")
    tableau = ecarts.tableau_ecarts(contrat=ctx.contrat, user=ctx.user)
    feuille = ctx.feuille(workbook, "quartiers")
    feuille.texte(
        "Dernier millésime connu de chaque indicateur ; « s » : secret statistique ; "
        "« — » : valeur manquante. Pourcentages en points."
    )
    feuille.ligne += 1
    par_code = {i.code: i for i in tableau.indicateurs}
    cles = [par_code[code] for code in INDICATEURS_CLES if code in par_code]
    lignes = {(ligne.quartier.pk, ligne.indicateur.pk): ligne for ligne in tableau.lignes}
    if cles:
        portrait = feuille.tableau(
            "Portrait des quartiers : indicateurs clés",
            ["Quartier", *(f"{i.libelle}{UNITES.get(i.unite, '')}" for i in cles)],
            [
                (q.nom, *(_valeur_ecart(lignes[(q.pk, i.pk)]) for i in cles))
                for q in tableau.quartiers
            ],
        )
        pourcentages = [n + 2 for n, i in enumerate(cles) if i.unite == Unite.POURCENTAGE]
        if pourcentages:
            feuille.graphique(portrait, pourcentages, "Indicateurs clés (en %)", axe="%")
    ecart = feuille.tableau(
        f"Écarts avec {tableau.reference_libelle}",
        [
            "Quartier",
            "Indicateur",
            "Millésime",
            "Valeur du quartier",
            "Valeur de référence",
            "Écart",
            "Premier millésime",
            "Évolution de l'écart",
        ],
        [
            (
                ligne.quartier.nom,
                ligne.indicateur.libelle,
                nombre(ligne.millesime),
                _valeur_ecart(ligne),
                "s" if ligne.reference_secret else nombre(ligne.reference),
                ligne.ecart_texte,
                nombre(ligne.premier_millesime),
                ligne.tendance_libelle,
            )
            for ligne in tableau.lignes
            if not ligne.manquant
        ],
    )
    if not feuille.graphiques:
        feuille.graphique(ecart, [4, 5], "Valeurs des quartiers et de leur référence")
    return feuille.finir()


# 4. GUP and TFPB ---------------------------------------------------------------------------


def feuille_gup(workbook, ctx):
    from gup import perms, perms_tfpb, selectors, selectors_tfpb

    if not perms.can_view_gup(ctx.user):
        ctx.chiffres.append(("Problèmes GUP résolus", NON_DISPONIBLE, None))
        return ctx.refus(workbook, "gup")
    stats = selectors.statistiques(
        contrat=ctx.contrat, user=ctx.user, annees=ctx.annees, today=ctx.today
    )
    ctx.chiffres.append(("Problèmes GUP résolus", stats.total.resolus, None))
    feuille = ctx.feuille(workbook, "gup")
    feuille.texte("Signalements de la gestion urbaine de proximité, par année de signalement.")
    feuille.ligne += 1
    evolution = feuille.tableau(
        "Signalements par année",
        ["Année", "Reçus", "Résolus", "Délai médian de traitement (jours)"],
        [(a.annee, a.recus, a.resolus, nombre(a.mediane)) for a in stats.evolution],
        formats={3: JOURS},
        totaux=(1, 2),
    )
    feuille.graphique(evolution, [2, 3], "Signalements reçus et résolus", axe="Signalements")
    organisations = feuille.tableau(
        "Par organisation responsable",
        [
            "Organisation",
            "Reçus",
            "Résolus",
            "Ouverts",
            "En retard",
            "Résolus dans le délai",
            "Délai médian (jours)",
            "90e centile (jours)",
        ],
        [
            (
                o.nom,
                o.recus,
                o.resolus,
                o.ouverts,
                o.en_retard,
                nombre(o.part_dans_delai),
                nombre(o.mediane),
                nombre(o.p90),
            )
            for o in [*stats.organisations, stats.total]
        ],
        formats={5: PERCENT, 6: JOURS, 7: JOURS},
    )
    feuille.graphique(organisations, [7], "Délai médian de traitement", axe="Jours")
    etats = [libelle for _, libelle in stats.etats]
    feuille.tableau(
        "Par catégorie, quartier et état",
        ["Catégorie", "Quartier", *etats, "Total"],
        [(c.categorie, c.quartier, *c.comptes, c.total) for c in stats.categories_quartiers],
    )

    if perms_tfpb.can_view_tfpb(ctx.user):
        _tfpb(feuille, ctx, selectors_tfpb)
    return feuille.finir()


def _tfpb(feuille, ctx, selectors_tfpb):
    """The TFPB: abatement and realised amounts per year, then per year each landlord's and
    each axis's figures, from the TFPB bilan of that year."""
    ensemble = selectors_tfpb.bilan_tfpb(user=ctx.user, contrat=ctx.contrat)
    annees = [a for a in ensemble.annees if ctx.annee_debut <= a <= ctx.annee_fin]
    evolution = feuille.tableau(
        "Abattement de TFPB : montants par année",
        ["Année", "Abattement", "Réalisé", "Réalisé / abattement (%)"],
        [
            (e.annee, e.abattement, e.realise, nombre(e.ratio))
            for e in ensemble.evolution
            if e.annee in annees
        ],
        formats={1: EURO, 2: EURO, 3: JOURS},
        totaux=(1, 2),
    )
    feuille.graphique(evolution, [2, 3], "Abattement de TFPB et actions réalisées", format_axe=EURO)
    bailleurs, axes = [], []
    for annee in annees:
        bilan = selectors_tfpb.bilan_tfpb(user=ctx.user, contrat=ctx.contrat, annee=annee)
        for ligne in bilan.par_bailleur:
            bailleurs.append(
                (
                    annee,
                    ligne.libelle,
                    ligne.abattement,
                    ligne.prevu,
                    ligne.realise,
                    nombre(ligne.ratio),
                    ligne.nb_actions,
                )
            )
        for part in bilan.total.axes:
            axes.append((annee, part.axe.libelle, part.prevu, part.realise, nombre(part.part)))
    feuille.tableau(
        "Abattement de TFPB par bailleur",
        ["Année", "Bailleur", "Abattement", "Prévu", "Réalisé", "Réalisé / abattement (%)"]
        + ["Actions"],
        bailleurs,
        formats={2: EURO, 3: EURO, 4: EURO, 5: JOURS},
    )
    feuille.tableau(
        "Actions valorisées par axe",
        ["Année", "Axe", "Prévu", "Réalisé", "Part du réalisé (%)"],
        axes,
        formats={2: EURO, 3: EURO, 4: JOURS},
    )


# 5. PRE ------------------------------------------------------------------------------------


def feuille_pre(workbook, ctx):
    from pre import selectors

    if not selectors.can_view_stats_pre(ctx.user, ctx.contrat):
        ctx.chiffres.append((f"File active du PRE en {ctx.annee_fin}", NON_DISPONIBLE, None))
        return ctx.refus(workbook, "pre")
    # Masked for every reader, as on the PRE's own page and Excel bilan.
    stats = selectors.statistiques(user=ctx.user, contrat=ctx.contrat, annees=ctx.annees)
    stats = stats.masquees()
    ensemble = stats.repartitions[0].total.valeurs
    ctx.chiffres.append((f"File active du PRE en {ctx.annee_fin}", ensemble["actifs"][-1], None))
    feuille = ctx.feuille(workbook, "pre")
    feuille.texte(
        f"Comptes de parcours, sans donnée nominative. « < {stats.seuil} » : effectif de 1 à "
        f"{stats.seuil - 1}, masqué ; « {selectors.SECRET} » : masqué pour qu'un petit effectif "
        "ne puisse être recalculé à partir du total."
    )
    feuille.ligne += 1
    annuel = feuille.tableau(
        "File active, entrées et sorties par année",
        ["Année", "File active", "Entrées", "Sorties"],
        [
            (annee, ensemble["actifs"][i], ensemble["entrees"][i], ensemble["sorties"][i])
            for i, annee in enumerate(stats.annees)
        ],
    )
    feuille.graphique(annuel, [2, 3, 4], "File active, entrées et sorties", axe="Parcours")
    for repartition in stats.repartitions:
        entetes, lignes = selectors.tableau(repartition, stats.annees)
        feuille.tableau(
            repartition.titre,
            ["Catégorie", *entetes],
            [[libelle, *valeurs] for libelle, valeurs in lignes],
        )
    return feuille.finir()


# 6. CitésLab -------------------------------------------------------------------------------


def feuille_citeslab(workbook, ctx):
    from citeslab import perms, selectors

    libelle = "Personnes accompagnées par CitésLab"
    if not perms.can_view_citeslab_stats(ctx.user, ctx.contrat):
        ctx.chiffres.append((libelle, NON_DISPONIBLE, None))
        return ctx.refus(workbook, "citeslab")
    rapport = selectors.rapport(
        user=ctx.user,
        contrat=ctx.contrat,
        debut=datetime.date(ctx.annee_debut, 1, 1),
        fin=datetime.date(ctx.annee_fin, 12, 31),
    )
    ctx.chiffres.append((libelle, rapport.etape("accompagnes"), None))
    feuille = ctx.feuille(workbook, "citeslab")
    if rapport.masque:
        feuille.texte(
            f"Petits effectifs masqués : « < {rapport.seuil} » pour 1 à {rapport.seuil - 1} ; "
            f"« {selectors.SECRET} » pour qu'un effectif masqué ne puisse être recalculé."
        )
    else:
        feuille.texte("Effectifs exacts, non masqués (équipe CitésLab) : ne pas diffuser.")
    feuille.texte(f"Du {rapport.debut:%d/%m/%Y} au {rapport.fin:%d/%m/%Y} ; personnes distinctes.")
    feuille.ligne += 1
    entonnoir = feuille.tableau(
        "Parcours des personnes",
        ["Étape", "Effectif"],
        [(ligne.libelle, ligne.valeurs["effectif"]) for ligne in rapport.entonnoir],
    )
    feuille.graphique(entonnoir, [2], "Du premier contact à la création", axe="Personnes")
    for repartition in rapport.repartitions:
        entetes, lignes = selectors.tableau(repartition)
        feuille.tableau(
            repartition.titre,
            ["Catégorie", *entetes],
            [[libelle, *valeurs] for libelle, valeurs in lignes],
        )
    evenements = feuille.tableau(
        "Événements par type",
        ["Type d'événement", "Événements", "Participants"],
        [(e.libelle, e.nombre, e.participants) for e in rapport.evenements],
        totaux=(1, 2),
    )
    feuille.graphique(evenements, [3], "Participants aux événements", axe="Participants")
    return feuille.finir()


# 7. Gouvernance ----------------------------------------------------------------------------


def feuille_gouvernance(workbook, ctx):
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from cdv.models import Contrat, Instance, Reunion, Signataire
    from cdv.selectors import contrat_chiffres
    from programmation.models import AppelAProjets

    if not Contrat.objects.for_user(ctx.user).filter(pk=ctx.contrat.pk).exists():
        return ctx.refus(workbook, "gouvernance")
    feuille = ctx.feuille(workbook, "gouvernance")
    instances = list(
        Instance.objects.for_user(ctx.user).filter(contrat=ctx.contrat).order_by("kind", "nom")
    )
    tenues = {
        (row["instance"], row["annee"]): row["n"]
        for row in Reunion.objects.for_user(ctx.user)
        .filter(
            instance__contrat=ctx.contrat,
            date__year__gte=ctx.annee_debut,
            date__year__lte=ctx.annee_fin,
            date__lte=ctx.today,  # held, not planned
        )
        .annotate(annee=ExtractYear("date"))
        .order_by()
        .values("instance", "annee")
        .annotate(n=Count("pk"))
    }
    reunions = feuille.tableau(
        "Réunions tenues par instance et par année",
        ["Année", *(instance.nom for instance in instances)],
        [
            (annee, *(tenues.get((instance.pk, annee), 0) for instance in instances))
            for annee in ctx.annees
        ],
        totaux=tuple(range(1, len(instances) + 1)),
    )
    if instances:
        feuille.graphique(
            reunions,
            list(range(2, len(instances) + 2)),
            "Réunions tenues par instance",
            axe="Réunions",
        )
    nb_signataires = contrat_chiffres(ctx.contrat)["nb_signataires"]
    feuille.tableau(
        f"Signataires du contrat ({nb_signataires})",
        ["Organisation", "Rôle dans le contrat", "Date de signature"],
        [
            (s.organisation.nom, s.qualite, s.date_signature or MANQUANT)
            for s in Signataire.objects.for_user(ctx.user)
            .filter(contrat=ctx.contrat)
            .select_related("organisation")
            .order_by("organisation__nom")
        ],
        formats={2: DATE},
    )
    par_annee = {a.annee: a for a in ctx.bilan.annees} if ctx.bilan else {}
    comites = feuille.tableau(
        "Comités de programmation",
        ["Année", "Appel à projets", "Date du comité", "Actions financées", "Crédits spécifiques"],
        [
            (
                appel.annee,
                appel.titre,
                appel.date_comite or MANQUANT,
                par_annee[appel.annee].nb_actions if appel.annee in par_annee else MANQUANT,
                (
                    par_annee[appel.annee].credits_specifiques
                    if appel.annee in par_annee
                    else MANQUANT
                ),
            )
            for appel in AppelAProjets.objects.for_user(ctx.user)
            .filter(contrat=ctx.contrat, annee__gte=ctx.annee_debut, annee__lte=ctx.annee_fin)
            .order_by("annee", "titre", "pk")
        ],
        formats={2: DATE, 4: EURO},
    )
    if not feuille.graphiques and ctx.bilan:
        feuille.graphique(comites, [4], "Actions financées par comité", axe="Actions")
    return feuille.finir()
