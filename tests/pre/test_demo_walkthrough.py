"""The PRE's "Done when", in Chromium on the demo data of `make run`: the demo's referent
takes a new child from the referral to the exit — identity, guardian with a quotient
familial, signed consent, referral, an EPS commission's agenda and decision, the pathway
with an action shared by the price grid, a review, the exit with the family's
questionnaire — and the child's record keeps the pathway. The demo's EPS member sees the
child only once it is on a commission's agenda; the partners (État, Département) never do.

Only the demo is loaded directly (as `make run` does); every other step is what a user
clicks and types. The commission is held today: the decision dates the entry, and neither a
review nor the exit may be dated before it or in the future."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cdv.demo.loader import demo_email, demo_load
from cdv.enums import RoleCode
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def demo(transactional_db):
    demo_load(password=PASSWORD)


@pytest.fixture
def onglet(browser, live_server):  # noqa: F811
    contexts = []

    def ouvrir(role):
        context = browser.new_context(base_url=live_server.url, locale="fr-FR")
        contexts.append(context)
        tab = context.new_page()
        tab.goto("/connexion/")
        tab.get_by_label("Adresse électronique").fill(demo_email(role))
        tab.get_by_label("Mot de passe").fill(PASSWORD)
        tab.get_by_role("button", name="Se connecter").click()
        tab.wait_for_url(lambda url: "/connexion/" not in url)
        return tab

    yield ouvrir
    for context in contexts:
        context.close()


def euros(texte):
    """ "185,50" → "185,50 €" as the pages print amounts."""
    entiers, centimes = texte.split(",")
    groupes = []
    while entiers:
        groupes.insert(0, entiers[-3:])
        entiers = entiers[:-3]
    return f"{NNBSP.join(groupes)},{centimes}{NBSP}€"


def file_active(tab):
    """(active pathways, cap) as the pathways page states them."""
    tab.goto("/pre/parcours/")
    texte = tab.locator("#plafond").inner_text()
    actifs, plafond = re.search(r"(\d+) parcours actifs sur un plafond de (\d+)", texte).groups()
    return int(actifs), int(plafond)


def champ(tab, bouton, libelle):
    """The field labelled `libelle` in the form submitted by `bouton` (several forms of a
    pathway's page have fields of the same name)."""
    form = tab.locator("form").filter(has=tab.get_by_role("button", name=bouton, exact=True))
    return form.get_by_label(libelle, exact=True)


def fait(tab, terme):
    """The value the pathway's summary gives for `terme`."""
    terme = tab.locator("dl.fiche dt", has_text=re.compile(f"^{re.escape(terme)}$"))
    return terme.locator("xpath=following-sibling::dd[1]")


def nouvel_enfant(tab, *, nom, prenom, naissance, sexe, quartier, ecole, classe):
    tab.goto("/pre/enfants/")
    tab.get_by_role("link", name="Nouvel enfant").click()
    tab.get_by_label("Nom (obligatoire)", exact=True).fill(nom)
    tab.get_by_label("Prénom (obligatoire)").fill(prenom)
    tab.get_by_label("Date de naissance (obligatoire)").fill(naissance)
    tab.get_by_label("Sexe (obligatoire)").select_option(label=sexe)
    tab.get_by_label("Quartier de résidence").select_option(label=quartier)
    etablissement = tab.get_by_label("Établissement scolaire")
    libelle = etablissement.locator("option", has_text=ecole).inner_text()
    etablissement.select_option(label=libelle)
    tab.get_by_label("Classe").select_option(label=classe)
    tab.get_by_role("button", name="Enregistrer le dossier").click()
    expect(tab.get_by_text(re.compile(r"Le dossier n° \d+ est enregistré\."))).to_be_visible()
    return int(re.search(r"/pre/enfants/(\d+)/$", tab.url).group(1))


def reperage(tab, *, jour, reperant, motifs, commentaire):
    tab.get_by_role("link", name="Ajouter un repérage").click()
    tab.get_by_label("Date du repérage (obligatoire)").fill(jour.isoformat())
    tab.get_by_label("Repéré par (obligatoire)").select_option(label=reperant)
    for motif in motifs:
        tab.get_by_label(motif).check()
    tab.get_by_label("Commentaire").fill(commentaire)
    tab.get_by_role("button", name="Enregistrer le repérage").click()
    expect(
        tab.get_by_text(re.compile(r"Le repérage du dossier n° \d+ est enregistré\."))
    ).to_be_visible()


def test_a_referent_takes_a_child_from_the_referral_to_the_exit(demo, onglet, tmp_path):
    aujourdhui = timezone.localdate()
    jour = f"{aujourdhui:%d/%m/%Y}"
    referente = onglet(RoleCode.REFERENT_PRE)
    actifs_avant, plafond = file_active(referente)

    # 1. The child, its guardian, the family's consent and the referral.
    numero = nouvel_enfant(
        referente,
        nom="Ortie",
        prenom="Lison",
        naissance="2015-04-14",
        sexe="Fille",
        quartier="La Conte – Ozanam",
        ecole="École élémentaire Pierre-Curie",
        classe="CM2",
    )
    referente.get_by_role("link", name="Ajouter un responsable légal").click()
    referente.get_by_label("Lien avec l'enfant (obligatoire)").select_option(label="Mère")
    referente.get_by_label("Nom (obligatoire)", exact=True).fill("Ortie")
    referente.get_by_label("Prénom (obligatoire)").fill("Nadège")
    referente.get_by_label("Téléphone", exact=True).fill("06 39 98 77 11")
    referente.get_by_label("Quotient familial (€)", exact=True).fill("620")
    referente.get_by_role("button", name="Enregistrer le responsable légal").click()
    famille = referente.get_by_role("table", name="Responsables légaux de l'enfant")
    expect(famille.get_by_role("rowheader")).to_have_text("ORTIE Nadège")
    expect(famille).to_contain_text("620 €")

    consentement = tmp_path / "consentement-ortie.pdf"
    consentement.write_bytes(PDF)
    referente.get_by_role("link", name="Ajouter un consentement signé").click()
    referente.get_by_label("Date de signature (obligatoire)").fill(aujourdhui.isoformat())
    referente.get_by_label("Document signé (obligatoire)").set_input_files(consentement)
    referente.get_by_role("button", name="Enregistrer le consentement").click()
    expect(referente.get_by_text(f"Signé le {jour}")).to_be_visible()
    expect(referente.get_by_role("link", name="télécharger le document signé")).to_be_visible()

    reperage(
        referente,
        jour=aujourdhui,
        reperant="Éducation nationale",
        motifs=["Difficultés scolaires", "Maîtrise de la langue"],
        commentaire="Signalée par l'enseignante de CM2 : lecture hésitante, fatigue en classe.",
    )
    reperages = referente.get_by_role("table", name=re.compile("Repérages de l'enfant"))
    expect(reperages).to_contain_text("Difficultés scolaires, Maîtrise de la langue")
    assert_no_axe_violations(referente)

    # 2. Today's commission of the EPS Est (La Conte): agenda, attendance, decision.
    referente.goto("/pre/eps/commissions/")
    referente.get_by_role("link", name="Nouvelle commission").click()
    referente.get_by_label("Équipe (obligatoire)").select_option(label="EPS Est")
    referente.get_by_label("Date de la commission (obligatoire)").fill(aujourdhui.isoformat())
    referente.get_by_role("button", name="Créer la commission").click()
    expect(referente.get_by_role("heading", level=1)).to_have_text(
        f"Commission de l'EPS Est du {jour}"
    )
    situation = referente.get_by_label("Situation à inscrire (obligatoire)")
    situation.select_option(
        label=f"Enfant n° {numero} — Lison Ortie — repéré le {jour} (Éducation nationale)"
    )
    referente.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    ordre_du_jour = referente.get_by_role("table", name="Situations examinées et décisions")
    ligne = ordre_du_jour.get_by_role("row").filter(has_text="Lison Ortie")
    expect(ligne).to_contain_text("À examiner")

    presents = referente.get_by_role("group", name="Membres présents")
    presents.get_by_label("Amandine Cazals").check()
    presents.get_by_label("Mélanie Gau").check()
    referente.get_by_role("button", name="Enregistrer les présences").click()
    expect(referente.get_by_text("Les présences sont enregistrées.")).to_be_visible()
    expect(
        referente.get_by_role("group", name="Membres présents").get_by_label("Mélanie Gau")
    ).to_be_checked()

    referente.get_by_label("Décision (obligatoire)").select_option(label="Entrée en parcours")
    referente.get_by_label("Commentaire", exact=True).fill("Accord de la famille présente.")
    referente.get_by_role(
        "button", name=f"Enregistrer la décision pour l'enfant n° {numero}"
    ).click()
    expect(ligne).to_contain_text("Entrée en parcours")
    assert_no_axe_violations(referente)

    # 3. The pathway: at the cap it waits, and a place is freed as a referent would.
    if actifs_avant >= plafond:
        expect(
            referente.get_by_text(f"La file active a atteint son plafond ({plafond})")
        ).to_be_visible()
        referente.goto("/pre/parcours/")
        referente.get_by_role("table", name=re.compile("Parcours en cours")).get_by_role(
            "link"
        ).first.click()
        referente.get_by_label("Date de sortie (obligatoire)").fill(aujourdhui.isoformat())
        referente.get_by_label("Motif de sortie (obligatoire)").select_option(
            label="Relais par le droit commun"
        )
        champ(referente, "Clore le parcours", "Adhésion des parents (obligatoire)").select_option(
            label="Bonne"
        )
        referente.get_by_role("button", name="Clore le parcours").click()
        expect(referente.get_by_text(re.compile(r"Le parcours n° \d+ est clos\."))).to_be_visible()
        referente.goto("/pre/parcours/")
        attente = referente.get_by_role("table", name=re.compile("liste d'attente"))
        attente.get_by_role("link", name="Lison Ortie").click()
        referente.get_by_label("Date d'entrée en parcours (obligatoire)").fill(
            aujourdhui.isoformat()
        )
        referente.get_by_role("button", name="Démarrer", exact=True).click()
        expect(referente.get_by_text(re.compile(r"Le parcours n° \d+ a démarré\."))).to_be_visible()
        actifs_avant -= 1
    else:
        ouvert = referente.get_by_text(
            re.compile(rf"Le parcours n° \d+ de l'enfant n° {numero} est ouvert\.")
        )
        expect(ouvert).to_be_visible()
        referente.goto("/pre/parcours/")
        referente.get_by_role("table", name=re.compile("Parcours en cours")).get_by_role(
            "link", name="Lison Ortie"
        ).click()
    expect(referente.get_by_role("heading", level=1)).to_have_text("Parcours de Lison Ortie")
    parcours = int(re.search(r"/pre/parcours/(\d+)/$", referente.url).group(1))
    expect(fait(referente, "Entrée en parcours")).to_have_text(jour)
    expect(fait(referente, "État")).to_have_text("En cours")

    enregistrer = "Enregistrer"
    champ(referente, enregistrer, "Référent de parcours").select_option(label="Amandine Cazals")
    axes = referente.get_by_role("group", name="Axes du parcours")
    axes.get_by_label("Scolarité").check()
    axes.get_by_label("Loisirs, culture, sport").check()
    champ(referente, enregistrer, "Objectifs").fill(
        "Reprendre confiance en lecture ; pratiquer une activité régulière hors de l'école."
    )
    referente.get_by_role("button", name=enregistrer, exact=True).click()
    expect(referente.get_by_text(f"Le parcours n° {parcours} est enregistré.")).to_be_visible()
    expect(fait(referente, "Référent de parcours")).to_have_text("Amandine Cazals")
    assert file_active(referente) == (actifs_avant + 1, plafond)
    referente.goto(f"/pre/parcours/{parcours}/")

    # 4. An action: the 2024 grid puts a quotient of 620 € in the 501–800 € bracket, where
    # the family pays 5 %: 5 % of 185,50 € is 9,275 €, rounded half up to 9,28 €; the PRE
    # pays 185,50 − 9,28 = 176,22 €.
    expect(fait(referente, "Quotient familial retenu")).to_have_text(
        "620 € (le plus élevé des responsables légaux), part de la famille 5 %."
    )
    ajouter = "Ajouter l'action"
    champ(referente, ajouter, "Axe (obligatoire)").select_option(label="Loisirs, culture, sport")
    champ(referente, ajouter, "Intitulé (obligatoire)").fill("Licence et équipement de judo")
    champ(referente, ajouter, "Prestataire").select_option(label="Judo club Bastide")
    champ(referente, ajouter, "Date (obligatoire)").fill(aujourdhui.isoformat())
    champ(referente, ajouter, "Coût (€) (obligatoire)").fill("185,50")
    referente.get_by_role("button", name=ajouter).click()
    expect(
        referente.get_by_text(f"L'action est ajoutée au parcours n° {parcours}.")
    ).to_be_visible()
    actions = referente.get_by_role("table", name="Actions du parcours et répartition de leur coût")
    action = actions.get_by_role("row").filter(has_text="Licence et équipement de judo")
    expect(action.get_by_role("cell")).to_have_text(
        [jour, "Loisirs, culture, sport", "Judo club Bastide", euros("185,50"),
         euros("9,28"), euros("176,22"), re.compile("Retirer")]
    )  # fmt: skip

    # 5. A review, and the parents' adherence.
    revue = "Enregistrer la revue"
    champ(referente, revue, "Date de la revue (obligatoire)").fill(aujourdhui.isoformat())
    champ(referente, revue, "Compte rendu (obligatoire)").fill(
        "Point d'étape avec la mère : Lison va au judo chaque mercredi, lit mieux en classe."
    )
    champ(referente, revue, "Adhésion des parents").select_option(label="Bonne")
    referente.get_by_role("button", name=revue).click()
    expect(
        referente.get_by_text(f"La revue du parcours n° {parcours} est enregistrée.")
    ).to_be_visible()
    expect(referente.locator("#revues")).to_contain_text("Lison va au judo chaque mercredi")
    expect(referente.locator("#revues")).to_contain_text("adhésion des parents : bonne")
    expect(fait(referente, "Adhésion des parents")).to_have_text("Bonne")
    assert_no_axe_violations(referente)

    # 6. The exit, with the family's questionnaire.
    clore = "Clore le parcours"
    champ(referente, clore, "Date de sortie (obligatoire)").fill(aujourdhui.isoformat())
    champ(referente, clore, "Motif de sortie (obligatoire)").select_option(
        label="Objectifs atteints"
    )
    champ(referente, clore, "Adhésion des parents (obligatoire)").select_option(label="Très bonne")
    reponses = {
        "Le parcours a répondu aux besoins de votre enfant.": "Tout à fait d'accord",
        "Vous avez été écoutés et associés aux décisions.": "Tout à fait d'accord",
        "Les actions proposées étaient adaptées à votre enfant.": "Plutôt d'accord",
        "Votre enfant a progressé pendant le parcours.": "Plutôt d'accord",
        "Vous recommanderiez le PRE à une autre famille.": "Tout à fait d'accord",
    }
    for question, reponse in reponses.items():
        champ(referente, clore, question).select_option(label=reponse)
    champ(referente, clore, "Commentaire de la famille").fill("Merci pour le judo !")
    referente.get_by_role("button", name=clore).click()
    expect(referente.get_by_text(f"Le parcours n° {parcours} est clos.")).to_be_visible()
    expect(fait(referente, "État")).to_have_text("Clos")
    sortie = referente.locator("#sortie")
    expect(fait(referente, "Sortie le")).to_have_text(jour)
    expect(fait(referente, "Motif")).to_have_text("Objectifs atteints")
    questionnaire = sortie.get_by_role("table", name="Questionnaire de satisfaction de la famille")
    for question, reponse in reponses.items():
        expect(questionnaire.get_by_role("row").filter(has_text=question)).to_contain_text(reponse)
    expect(sortie).to_contain_text("Commentaire de la famille : Merci pour le judo !")
    expect(fait(referente, "Adhésion des parents")).to_have_text("Très bonne")
    assert file_active(referente) == (actifs_avant, plafond)

    referente.goto(f"/pre/enfants/{numero}/")
    historique = referente.locator("section", has=referente.get_by_role("heading", name="Parcours"))
    expect(historique.get_by_role("listitem")).to_have_text(
        f"Parcours n° {parcours} — Clos, inscrit le {jour}, entré le {jour}, sorti le {jour}"
        " — référent : Amandine Cazals"
    )
    historique.get_by_role("link", name=f"Parcours n° {parcours}").click()
    expect(referente.get_by_role("heading", level=1)).to_have_text("Parcours de Lison Ortie")
    assert_no_axe_violations(referente)


def test_only_the_pre_and_the_eps_of_its_agenda_reach_a_child(demo, onglet):
    aujourdhui = timezone.localdate()
    referente = onglet(RoleCode.REFERENT_PRE)
    numero = nouvel_enfant(
        referente,
        nom="Sainfoin",
        prenom="Malo",
        naissance="2013-09-02",
        sexe="Garçon",
        quartier="Grazailles",
        ecole="École élémentaire Jean-Baptiste-Lully",
        classe="CM2",
    )
    reperage(
        referente,
        jour=aujourdhui,
        reperant="Centre social",
        motifs=["Comportement"],
        commentaire="Repéré à l'accueil de loisirs.",
    )
    fiche = f"/pre/enfants/{numero}/"

    # Not on an agenda yet: the EPS member does not reach the child.
    membre = onglet(RoleCode.MEMBRE_EPS)
    reponse = membre.goto(fiche)
    assert reponse.status == 404
    expect(membre.get_by_text("Sainfoin")).to_have_count(0)

    referente.goto("/pre/eps/commissions/")
    referente.get_by_role("link", name="Nouvelle commission").click()
    referente.get_by_label("Équipe (obligatoire)").select_option(label="EPS Est")
    referente.get_by_label("Date de la commission (obligatoire)").fill(aujourdhui.isoformat())
    referente.get_by_role("button", name="Créer la commission").click()
    referente.get_by_label("Situation à inscrire (obligatoire)").select_option(
        label=f"Enfant n° {numero} — Malo Sainfoin — repéré le {aujourdhui:%d/%m/%Y} "
        "(Centre social)"
    )
    referente.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    expect(
        referente.get_by_text(f"La situation de l'enfant n° {numero} est inscrite")
    ).to_be_visible()
    commission = referente.url

    # On the agenda: the member reads the agenda and the child's record, without a form.
    membre.goto(commission)
    expect(membre.get_by_role("rowheader", name=f"n° {numero} — Malo Sainfoin")).to_be_visible()
    expect(membre.get_by_role("button", name=re.compile("Enregistrer"))).to_have_count(0)
    membre.goto(fiche)
    expect(membre.get_by_role("heading", level=1)).to_have_text(f"Enfant n° {numero}")
    expect(membre.get_by_text("Vous consultez ce dossier en lecture seule")).to_be_visible()
    expect(membre.get_by_role("definition").filter(has_text="Sainfoin")).to_be_visible()
    assert_no_axe_violations(membre)

    # Partners (the État's instructor, the Département's reader) are refused and never read
    # the name.
    for role in (RoleCode.INSTRUCTEUR_FINANCEUR, RoleCode.LECTEUR_PARTENAIRE):
        partenaire = onglet(role)
        for url in (fiche, commission):
            reponse = partenaire.goto(url)
            assert reponse.status in (403, 404), (role, url, reponse.status)
            expect(partenaire.get_by_text("Sainfoin")).to_have_count(0)
            expect(partenaire.get_by_text("Malo")).to_have_count(0)
