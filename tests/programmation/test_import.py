"""The import of earlier years' programming, on a file written by hand.

The contract (2024–2030) has two pillars (Cohésion sociale, Emploi), two QPV (La Conte
QN011002, Ozanam QN011003) and one QVA without code (L'Aiguille). Funders: the Préfecture
(crédits spécifiques) and the Département (droit commun). The file (FICHIER):

  line 2  2024 Association Quartiers Solidaires « Soutien scolaire », Cohésion, La Conte 100,
          new, soldée — Préfecture spécifique: asked 12 000, granted 10 000, paid 10 000
  line 3  same action — Département droit commun: 4 000 / 4 000, paid 3 000
  line 4  2025 same porteur « Soutien scolaire », renewal, soldée — Préfecture 12 000 /
          12 000, paid 12 000
  line 5  2025 an unknown porteur (SIRET NOUVEAU, « Nouvelle association ») « Chantier
          d'insertion », Emploi, La Conte 60 / Ozanam 40, programmée — the Département named
          by its name only: 5 000 / 5 000, nothing paid
  line 6  2025 Association Quartiers Solidaires « Médiation », no pillar, L'Aiguille 100,
          refusée — Préfecture spécifique 3 000 asked, nothing granted

By hand: 4 actions, 2 calls (2024, 2025), 1 porteur created, 5 funding lines, 5 quartier
shares, 3 conventions (Préfecture 10 000 and Département 4 000 for 2024, Préfecture 12 000
for 2025) holding 3 "solde" payments (10 000, 3 000, 12 000).
"""

import csv
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cdv.enums import OrganisationKind
from cdv.models import Organisation
from programmation.enums import EtatAction, EtatAppel, KindVersement, NatureFinancement
from programmation.imports import (
    programmation_export_rows,
    programmation_import,
    programmation_workbook,
)
from programmation.models import (
    Action,
    ActionQuartier,
    AppelAProjets,
    Convention,
    Financement,
    Versement,
)
from tests import factories
from tests.factories import valid_siret
from tests.programmation.factories import QuartierFactory

D = Decimal
URL = reverse("programmation:import")
MODELE_URL = reverse("programmation:import_modele")
EXPORT_URL = reverse("programmation:import_export")

HEADER = [
    "Année",
    "SIRET du porteur",
    "Nom du porteur",
    "Intitulé de l'action",
    "Pilier",
    "Quartiers",
    "Reconduction",
    "État",
    "SIRET du financeur",
    "Nom du financeur",
    "Nature du financement",
    "Montant demandé",
    "Montant accordé",
    "Montant versé",
]
SOLDEE = "Bilan validé, soldée"
SPE = "Crédits spécifiques"
DC = "Droit commun"
NOUVEAU = valid_siret(9001)


@pytest.fixture
def ref(contrat):
    return references(contrat)


def references(contrat):
    """The contract's references and the organisations of the file."""
    factories.PilierFactory(contrat=contrat, nom="Cohésion sociale", ordre=1)
    factories.PilierFactory(contrat=contrat, nom="Emploi", ordre=2)
    QuartierFactory(contrat=contrat, nom="La Conte", code="QN011002")
    QuartierFactory(contrat=contrat, nom="Ozanam", code="QN011003")
    QuartierFactory(contrat=contrat, nom="L'Aiguille", code="", kind="qva", population=None)
    return {
        "etat": factories.OrganisationFactory(etat=True, nom="Préfecture de l'Aude"),
        "departement": factories.OrganisationFactory(
            nom="Département de l'Aude", kind=OrganisationKind.DEPARTEMENT, rna=""
        ),
        "porteur": factories.OrganisationFactory(nom="Association Quartiers Solidaires"),
    }


def fichier_rows(ref):
    etat, dep, porteur = ref["etat"].siret, ref["departement"].siret, ref["porteur"].siret
    asso = "Association Quartiers Solidaires"
    return [
        [2024, porteur, asso, "Soutien scolaire", "Cohésion sociale", "QN011002:100", "non"]
        + [SOLDEE, etat, "", SPE, 12000, 10000, 10000],
        [2024, porteur, asso, "Soutien scolaire", "Cohésion sociale", "QN011002:100", "non"]
        + [SOLDEE, dep, "", DC, 4000, 4000, 3000],
        [2025, porteur, asso, "Soutien scolaire", "Cohésion sociale", "QN011002:100", "oui"]
        + [SOLDEE, etat, "", SPE, 12000, 12000, 12000],
        [2025, NOUVEAU, "Nouvelle association", "Chantier d'insertion", "Emploi"]
        + ["QN011002:60;QN011003:40", "non", "Programmée", "", "Département de l'Aude", DC]
        + [5000, 5000, None],
        [2025, porteur, asso, "Médiation", "", "L'Aiguille:100", "non", "Refusée", etat, "", SPE]
        + [3000, None, None],
    ]


def xlsx(rows, header=HEADER, name="historique.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Programmation"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def import_file(contrat, user, rows, **kwargs):
    return programmation_import(contrat=contrat, fichier=xlsx(rows, **kwargs), user=user)


def snapshot(contrat):
    """Everything the import writes for the contract, by natural keys (no primary key)."""

    def key(action):
        return (action.appel.annee, action.porteur.siret, action.intitule)

    actions = Action.objects.filter(appel__contrat=contrat)
    return {
        "actions": sorted(
            (
                key(a),
                a.pilier.nom if a.pilier else None,
                a.etat,
                a.est_reconduction,
                key(a.reconduction_de) if a.reconduction_de else None,
            )
            for a in actions
        ),
        "quartiers": sorted(
            (key(q.action), q.quartier.nom, q.part)
            for q in ActionQuartier.objects.filter(action__in=actions)
        ),
        "financements": sorted(
            (key(f.action), f.financeur.nom, f.nature, f.montant_demande, f.montant_accorde)
            for f in Financement.objects.filter(action__in=actions)
        ),
        "conventions": sorted(
            (key(c.action), c.financeur.nom, c.montant, c.date_signature)
            for c in Convention.objects.filter(action__in=actions)
        ),
        "versements": sorted(
            (key(v.convention.action), v.convention.financeur.nom, v.kind, v.montant, v.date)
            for v in Versement.objects.filter(convention__action__in=actions)
        ),
        "organisations": Organisation.objects.count(),
        "appels": sorted(AppelAProjets.objects.filter(contrat=contrat).values_list("titre")),
    }


# ---------------------------------------------------------------------------------------
# The template
# ---------------------------------------------------------------------------------------


def test_the_empty_template_imports_nothing(ref, contrat, agent_agglo):
    workbook = programmation_workbook(contrat=contrat)
    buffer = io.BytesIO()
    workbook.save(buffer)

    resultat = programmation_import(
        contrat=contrat,
        fichier=SimpleUploadedFile("modele.xlsx", buffer.getvalue()),
        user=agent_agglo,
    )

    assert [e.message for e in resultat.erreurs] == [
        "Le fichier ne contient aucune ligne à importer."
    ]


# ---------------------------------------------------------------------------------------
# A hand-built file
# ---------------------------------------------------------------------------------------


def test_it_imports_the_hand_built_file(ref, contrat, agent_agglo):
    resultat = import_file(contrat, agent_agglo, fichier_rows(ref))

    assert resultat.erreurs == []
    appels = AppelAProjets.objects.filter(contrat=contrat).order_by("annee")
    assert [(a.annee, a.titre, a.etat) for a in appels] == [
        (2024, "Programmation 2024 — historique importé", EtatAppel.ARCHIVE),
        (2025, "Programmation 2025 — historique importé", EtatAppel.ARCHIVE),
    ]
    nouvelle = Organisation.objects.get(siret=NOUVEAU)
    assert (nouvelle.nom, nouvelle.kind) == ("Nouvelle association", OrganisationKind.ASSOCIATION)

    actions = Action.objects.filter(appel__contrat=contrat)
    assert actions.count() == 4
    s2024 = actions.get(appel__annee=2024)
    s2025 = actions.get(appel__annee=2025, intitule="Soutien scolaire")
    chantier = actions.get(intitule="Chantier d'insertion")
    mediation = actions.get(intitule="Médiation")
    assert (s2024.etat, s2024.est_reconduction, s2024.reconduction_de) == (
        EtatAction.SOLDEE,
        False,
        None,
    )
    assert (s2025.etat, s2025.est_reconduction, s2025.reconduction_de) == (
        EtatAction.SOLDEE,
        True,
        s2024,
    )
    assert (chantier.porteur, chantier.etat, chantier.pilier.nom) == (
        nouvelle,
        EtatAction.PROGRAMMEE,
        "Emploi",
    )
    assert (mediation.etat, mediation.pilier) == (EtatAction.REFUSEE, None)
    assert sorted((q.quartier.nom, q.part) for q in chantier.quartiers.all()) == [
        ("La Conte", D("60.00")),
        ("Ozanam", D("40.00")),
    ]
    assert [(q.quartier.nom, q.part) for q in mediation.quartiers.all()] == [
        ("L'Aiguille", D("100.00"))
    ]
    assert ActionQuartier.objects.filter(action__in=actions).count() == 5

    financements = sorted(
        (f.action.intitule, f.action.appel.annee, f.financeur.nom, f.nature)
        + (f.montant_demande, f.montant_accorde)
        for f in Financement.objects.filter(action__in=actions)
    )
    assert financements == [
        (
            "Chantier d'insertion",
            2025,
            "Département de l'Aude",
            "droit_commun",
            D("5000"),
            D("5000"),
        ),
        ("Médiation", 2025, "Préfecture de l'Aude", "specifique", D("3000"), None),
        ("Soutien scolaire", 2024, "Département de l'Aude", "droit_commun", D("4000"), D("4000")),
        ("Soutien scolaire", 2024, "Préfecture de l'Aude", "specifique", D("12000"), D("10000")),
        ("Soutien scolaire", 2025, "Préfecture de l'Aude", "specifique", D("12000"), D("12000")),
    ]
    conventions = sorted(
        (c.action.appel.annee, c.financeur.nom, c.montant, c.auteur)
        for c in Convention.objects.filter(action__in=actions)
    )
    assert conventions == [
        (2024, "Département de l'Aude", D("4000"), agent_agglo),
        (2024, "Préfecture de l'Aude", D("10000"), agent_agglo),
        (2025, "Préfecture de l'Aude", D("12000"), agent_agglo),
    ]
    versements = sorted(
        (v.convention.action.appel.annee, v.convention.financeur.nom, v.kind, v.montant)
        for v in Versement.objects.filter(convention__action__in=actions)
    )
    assert versements == [
        (2024, "Département de l'Aude", KindVersement.SOLDE, D("3000")),
        (2024, "Préfecture de l'Aude", KindVersement.SOLDE, D("10000")),
        (2025, "Préfecture de l'Aude", KindVersement.SOLDE, D("12000")),
    ]
    assert resultat.crees == {
        "appels à projets": 2,
        "organisations": 1,
        "actions": 4,
        "quartiers de l'action": 5,
        "financements": 5,
        "conventions": 3,
        "versements": 3,
    }


def test_every_row_passes_the_model_validation(ref, contrat, agent_agglo):
    import_file(contrat, agent_agglo, fichier_rows(ref))
    for model in (Action, ActionQuartier, Financement, Convention, Versement):
        for obj in model.objects.all():
            obj.full_clean()


def test_a_siret_typed_as_a_number_keeps_its_leading_zeros(ref, contrat, agent_agglo):
    rows = fichier_rows(ref)[:1]
    rows[0][1] = int(ref["porteur"].siret)  # "00000000000604" → 604 in a number cell
    rows[0][8] = int(ref["etat"].siret)

    resultat = import_file(contrat, agent_agglo, rows)

    assert resultat.erreurs == []
    assert Action.objects.get().porteur == ref["porteur"]


def test_a_csv_file_imports_the_same_data(ref, contrat, agent_agglo):
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    for row in fichier_rows(ref):
        writer.writerow(["" if value is None else str(value).replace(".", ",") for value in row])
    fichier = SimpleUploadedFile("historique.csv", buffer.getvalue().encode("utf-8-sig"))

    resultat = programmation_import(contrat=contrat, fichier=fichier, user=agent_agglo)

    assert resultat.erreurs == []
    assert resultat.crees["actions"] == 4
    assert resultat.crees["versements"] == 3


# ---------------------------------------------------------------------------------------
# Errors: every one reported with its line and column, nothing written
# ---------------------------------------------------------------------------------------


def test_every_error_is_reported_with_its_line_and_column_and_nothing_is_written(
    ref, contrat, agent_agglo
):
    etat, porteur = ref["etat"].siret, ref["porteur"].siret
    asso = "Association Quartiers Solidaires"
    inconnu = valid_siret(9002)

    def row(annee=2024, siret=porteur, nom=asso, intitule="Action", pilier="Cohésion sociale"):
        return [annee, siret, nom, intitule, pilier, "QN011002:100", "non", SOLDEE]

    def fin(financeur=etat, nom="", nature=SPE, demande=1000, accorde=1000, verse=1000):
        return [financeur, nom, nature, demande, accorde, verse]

    rows = [
        row(intitule="Valide", siret=NOUVEAU, nom="Nouvelle association") + fin(),  # 2
        row(siret=inconnu, nom="", intitule="Sans nom") + fin(),  # 3
        row(siret="12345678901234", intitule="SIRET faux") + fin(),  # 4
        row(pilier="Logement", intitule="Pilier inconnu") + fin(),  # 5
        row(intitule="Quartier inconnu")[:5] + ["QP999999:100", "non", SOLDEE] + fin(),  # 6
        row(intitule="Parts")[:5] + ["QN011002:50;QN011003:40", "non", SOLDEE] + fin(),  # 7
        row(intitule="Financeur inconnu") + fin(financeur=inconnu),  # 8
        row(intitule="Nom de financeur") + fin(financeur="", nom="Fondation X"),  # 9
        row(intitule="Trop accordé") + fin(demande=1000, accorde=1500, verse=0),  # 10
        row(intitule="Trop versé") + fin(demande=1000, accorde=800, verse=900),  # 11
        row(intitule="Montant") + fin(demande="mille euros"),  # 12
        row(annee=2019, intitule="Avant le contrat") + fin(),  # 13
        row(intitule="Double") + fin(),  # 14
        row(intitule="Double", pilier="Emploi") + fin(nature=DC),  # 15
        row(intitule="État")[:7] + ["Terminée"] + fin(),  # 16
        row(intitule="Doublon") + fin(),  # 17
        row(intitule="Doublon") + fin(demande=2000, accorde=2000, verse=2000),  # 18
        row(intitule="Refusée payée")[:7] + ["Refusée"] + fin(),  # 19
        row(intitule="Nature") + fin(nature="Subvention"),  # 20
        row(intitule="Reconduction")[:6] + ["peut-être", SOLDEE] + fin(),  # 21
    ]
    avant = snapshot(contrat)

    resultat = import_file(contrat, agent_agglo, rows)

    assert [(e.ligne, e.colonne) for e in resultat.erreurs] == [
        (3, "Nom du porteur"),
        (4, "SIRET du porteur"),
        (5, "Pilier"),
        (6, "Quartiers"),
        (7, "Quartiers"),
        (8, "SIRET du financeur"),
        (9, "Nom du financeur"),
        (10, "Montant accordé"),
        (11, "Montant versé"),
        (12, "Montant demandé"),
        (13, "Année"),
        (15, "Pilier"),
        (16, "État"),
        (18, "SIRET du financeur"),
        (19, "Montant versé"),
        (20, "Nature du financement"),
        (21, "Reconduction"),
    ]
    messages = {e.ligne: e.message for e in resultat.erreurs}
    assert messages[3] == (
        f"Aucune organisation n'a le SIRET {inconnu} : indiquez le nom du porteur pour la créer."
    )
    assert messages[4] == (
        "Le SIRET « 12345678901234 » n'est pas valide : il faut 14 chiffres avec une clé de "
        "contrôle correcte."
    )
    assert messages[5].startswith("Pilier « Logement » inconnu dans ce contrat")
    assert messages[6] == "Quartier « QP999999 » inconnu dans ce contrat."
    assert messages[7] == "Les parts des quartiers font 90 % au lieu de 100 %."
    assert messages[8].startswith(f"Aucune organisation de la plateforme n'a le SIRET {inconnu}")
    assert messages[9] == "Financeur « Fondation X » inconnu : indiquez son SIRET."
    assert messages[10] == (
        "Le montant accordé (1\u202f500,00\u00a0€) dépasse le montant demandé "
        "(1\u202f000,00\u00a0€)."
    )
    assert messages[11] == (
        "Le montant versé (900,00\u00a0€) dépasse le montant accordé (800,00\u00a0€)."
    )
    assert messages[12].startswith("« mille euros » n'est pas un montant")
    assert messages[13] == "L'année 2019 n'appartient pas à la période du contrat (2024–2030)."
    assert messages[15] == (
        "Diffère de la ligne 14 pour la même action (même année, même porteur, même intitulé)."
    )
    assert messages[16] == (
        "État « Terminée » inconnu : choisissez un état de la liste, par exemple "
        "« Bilan validé, soldée »."
    )
    assert messages[18].startswith("Ce financeur figure déjà ligne 17 pour cette action")
    assert messages[19].startswith("Un versement suppose une action financée")
    assert messages[20] == (
        "Nature « Subvention » inconnue : « Crédits spécifiques » ou « Droit commun »."
    )
    assert messages[21] == "« peut-être » : écrivez « oui » ou « non »."
    # The valid line 2 was not imported either: not even its new porteur.
    assert snapshot(contrat) == avant
    assert not Organisation.objects.filter(siret=NOUVEAU).exists()


def test_a_missing_column_or_an_unreadable_file_is_reported(ref, contrat, agent_agglo):
    resultat = import_file(contrat, agent_agglo, [[2024]], header=HEADER[:-1])
    assert [(e.ligne, e.colonne, e.message) for e in resultat.erreurs] == [
        (1, "Montant versé", "Colonne « Montant versé » absente de l'en-tête.")
    ]
    resultat = programmation_import(
        contrat=contrat,
        fichier=SimpleUploadedFile("historique.xlsx", b"PK\x03\x04 pas un classeur"),
        user=agent_agglo,
    )
    assert [e.message for e in resultat.erreurs] == [
        "Le fichier n'est ni un classeur Excel (.xlsx) ni un fichier CSV lisible."
    ]


# ---------------------------------------------------------------------------------------
# Idempotency and round trip
# ---------------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(ref, contrat, agent_agglo):
    import_file(contrat, agent_agglo, fichier_rows(ref))
    premier = snapshot(contrat)

    resultat = import_file(contrat, agent_agglo, fichier_rows(ref))

    assert resultat.erreurs == []
    assert snapshot(contrat) == premier
    assert not resultat.crees and not resultat.modifies and not resultat.supprimes
    assert resultat.inchanges["actions"] == 4
    assert resultat.inchanges["financements"] == 5


def test_a_corrected_file_updates_in_place(ref, contrat, agent_agglo):
    import_file(contrat, agent_agglo, fichier_rows(ref))
    action = Action.objects.get(appel__annee=2024)
    rows = fichier_rows(ref)
    rows[0][12:14] = [11000, 11000]  # Préfecture 2024: granted and paid 11 000
    del rows[1]  # the Département's line of 2024 is gone

    resultat = import_file(contrat, agent_agglo, rows)

    assert resultat.erreurs == []
    assert Action.objects.get(appel__annee=2024) == action
    assert Action.objects.filter(appel__contrat=contrat).count() == 4
    assert [(f.financeur.nom, f.montant_accorde) for f in action.financements.all()] == [
        ("Préfecture de l'Aude", D("11000"))
    ]
    convention = action.conventions.get(financeur=ref["etat"])
    assert convention.montant == D("11000")
    assert [(v.kind, v.montant) for v in convention.versements.all()] == [
        (KindVersement.SOLDE, D("11000"))
    ]
    assert (resultat.modifies["financements"], resultat.supprimes["financements"]) == (1, 1)
    assert (resultat.supprimes["versements"], resultat.crees["versements"]) == (1, 1)


def test_an_export_re_imports_to_the_same_data(ref, contrat, agent_agglo):
    import_file(contrat, agent_agglo, fichier_rows(ref))
    avant = snapshot(contrat)
    rows = programmation_export_rows(Action.objects.filter(appel__contrat=contrat))
    buffer = io.BytesIO()
    programmation_workbook(contrat=contrat, rows=rows).save(buffer)
    # Start again from an empty programmation (payments and conventions first: protected).
    Versement.objects.all().delete()
    Convention.objects.all().delete()
    Action.objects.update(reconduction_de=None)
    Action.objects.all().delete()

    resultat = programmation_import(
        contrat=contrat,
        fichier=SimpleUploadedFile("export.xlsx", buffer.getvalue()),
        user=agent_agglo,
    )

    assert resultat.erreurs == []
    assert snapshot(contrat) == avant
    assert programmation_export_rows(Action.objects.filter(appel__contrat=contrat)) == rows


def test_the_export_splits_a_funders_payments_by_line(ref, contrat, agent_agglo):
    rows = fichier_rows(ref)
    # The Préfecture funds the 2024 action twice: crédits spécifiques and droit commun.
    rows[1][8] = ref["etat"].siret
    import_file(contrat, agent_agglo, rows)

    exported = programmation_export_rows(Action.objects.filter(appel__annee=2024))

    assert [(r[10], r[11], r[12], r[13]) for r in exported] == [
        (SPE, D("12000"), D("10000"), D("10000")),
        (DC, D("4000"), D("4000"), D("3000")),
    ]
    convention = Convention.objects.get(action__appel__annee=2024)
    assert convention.montant == D("14000")
    assert convention.versements.count() == 2


def test_the_nature_labels_match_the_enum():
    # The file speaks the application's labels.
    assert [SPE, DC] == [label for _, label in NatureFinancement.choices]
