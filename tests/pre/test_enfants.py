"""The PRE's children and families pages: who reaches what, the log of reads, the forms'
French errors, the family's rights of access and erasure, and the API."""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cdv.enums import RoleCode
from pre.enums import EtatParcours
from pre.models import (
    Consentement,
    Enfant,
    Etablissement,
    JournalAcces,
    Parcours,
    Reperage,
    ResponsableLegal,
    RevueParcours,
    SituationCommission,
)
from tests import factories
from tests.pre.factories import CommissionFactory, EnfantFactory, EquipeFactory, ReperageFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OTHERS = ["agent_agglo", "lecteur", "partenaire_etat", "porteur", "coordinateur_gup",
          "superuser", "agent_autre_contrat"]  # fmt: skip


def age_le(jour, naissance):
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


@pytest.fixture
def famille(contrat, membre_eps):
    """Léa Martinez (on the agenda of the member's team), her mother, her consent, a
    referral and a pathway; Noé Bernard, on another team's agenda."""
    quartier = QuartierFactory(contrat=contrat, nom="La Conte")
    college = Etablissement.objects.create(uai="0110012A", nom="Collège Varsovie", type="college")
    lea = EnfantFactory(
        contrat=contrat, nom="Martinez", prenom="Léa", date_naissance=datetime.date(2015, 3, 14),
        quartier=quartier, etablissement=college, niveau="cm1",
    )  # fmt: skip
    noe = EnfantFactory(
        contrat=contrat, nom="Bernard", prenom="Noé", date_naissance=datetime.date(2017, 9, 2),
        sexe="M",
    )  # fmt: skip
    mere = ResponsableLegal.objects.create(
        enfant=lea, lien="mere", nom="Martinez", prenom="Sophie", telephone="06 12 34 56 78",
        email="sophie.martinez@exemple.fr", adresse="3 rue des Lilas", quotient_familial=620,
    )  # fmt: skip
    reperage = ReperageFactory(
        enfant=lea, motifs=["resultats_scolaires", "isolement"], commentaire="Très réservée."
    )
    commission = CommissionFactory(equipe=EquipeFactory(contrat=contrat, membres=[membre_eps]))
    SituationCommission.objects.create(
        commission=commission, reperage=reperage, decision="entree_parcours",
        commentaire="Entrée proposée.",
    )  # fmt: skip
    autre = CommissionFactory(equipe=EquipeFactory(contrat=contrat, nom="Est"))
    SituationCommission.objects.create(commission=autre, reperage=ReperageFactory(enfant=noe))
    parcours = Parcours.objects.create(
        enfant=lea, reperage=reperage, etat=EtatParcours.ACTIF,
        date_entree=datetime.date(2026, 10, 12), axes=["scolarite"],
        objectifs="Reprendre confiance.",
        satisfaction={"besoins": 4, "commentaire": "Merci à Mme Dupont."},
    )  # fmt: skip
    RevueParcours.objects.create(
        parcours=parcours, date=datetime.date(2026, 11, 2), contenu="Progrès en lecture."
    )
    return {"lea": lea, "noe": noe, "mere": mere, "reperage": reperage, "parcours": parcours}


def lectures(user, objet=None):
    rows = JournalAcces.objects.filter(utilisateur=user)  # unscoped: the test reads the log
    if objet:
        rows = rows.filter(objet=objet)
    return list(rows.order_by("id").values_list("enfant_numero", "objet"))


# The list ---------------------------------------------------------------------------------


def test_it_lists_the_contracts_children_sorted_by_name(client, referent_pre, famille):
    client.force_login(referent_pre)
    response = client.get(reverse("pre:enfant_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "2 enfants." in content
    # Bernard before Martinez, whatever their numbers.
    assert content.index("BERNARD Noé") < content.index("MARTINEZ Léa")
    aujourd_hui = timezone.localdate()
    assert f"{age_le(aujourd_hui, datetime.date(2015, 3, 14))} ans" in content
    assert "La Conte" in content and "Collège Varsovie" in content and "CM1" in content
    assert "En cours" in content  # Léa's pathway
    assert "Aucun parcours" in content  # Noé
    assert "Nouvel enfant" in content
    lea, noe = famille["lea"].pk, famille["noe"].pk
    assert sorted(lectures(referent_pre)) == sorted(
        [(lea, "liste des enfants"), (noe, "liste des enfants")]
    )


def test_it_searches_by_name_without_accents(client, referent_pre, famille):
    client.force_login(referent_pre)
    content = client.get(reverse("pre:enfant_list"), {"q": "lea mart"}).content.decode()
    assert "1 enfant pour cette recherche." in content
    assert "MARTINEZ Léa" in content and "Bernard" not in content
    assert lectures(referent_pre) == [(famille["lea"].pk, "liste des enfants")]


def test_the_list_query_count_does_not_grow_with_children(
    client, referent_pre, contrat, famille, django_assert_num_queries
):
    client.force_login(referent_pre)
    url = reverse("pre:enfant_list")
    client.get(url)
    # session, user, roles, current contract, children (scoped, quartier and school
    # joined), their pathways (prefetch), the log's one insert, "may create" (PRE
    # contracts), "sees the log" (PRE contracts, configuration), the header's contract
    # switcher, the user's organisation.
    with django_assert_num_queries(QUERIES_LIST) as captured:
        client.get(url)
    for _ in range(5):
        EnfantFactory(contrat=contrat)
    with django_assert_num_queries(len(captured)):
        response = client.get(url)
    assert "7 enfants." in response.content.decode()


QUERIES_LIST = 12


def test_an_eps_member_sees_only_its_agendas_children_read_only(client, membre_eps, famille):
    client.force_login(membre_eps)
    content = client.get(reverse("pre:enfant_list")).content.decode()
    assert "MARTINEZ Léa" in content and "Bernard" not in content
    assert "Nouvel enfant" not in content
    detail = client.get(reverse("pre:enfant_detail", args=[famille["lea"].pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "lecture seule" in text and "Modifier l'identité" not in text
    # The family's contacts, income and consent stay with the PRE's staff.
    assert "Sophie" not in text and "06 12 34 56 78" not in text
    assert "Les coordonnées de la famille sont réservées à l'équipe du PRE." in text
    assert client.get(reverse("pre:enfant_detail", args=[famille["noe"].pk])).status_code == 404
    for name in ["enfant_edit", "responsable_add", "consentement_add", "reperage_add",
                 "enfant_export", "enfant_effacer"]:  # fmt: skip
        assert client.get(reverse(f"pre:{name}", args=[famille["lea"].pk])).status_code == 403
    assert client.get(reverse("pre:enfant_create")).status_code == 403
    assert client.get(reverse("pre:journal")).status_code == 403


@pytest.mark.parametrize("persona", OTHERS)
def test_no_other_persona_reaches_a_child(client, famille, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    lea = famille["lea"]
    urls = [reverse("pre:enfant_list"), reverse("pre:enfant_create"), reverse("pre:journal")]
    urls += [
        reverse(f"pre:{name}", args=[lea.pk])
        for name in ["enfant_detail", "enfant_edit", "responsable_add", "consentement_add",
                     "reperage_add", "enfant_export", "enfant_effacer"]
    ]  # fmt: skip
    urls.append(reverse("pre:responsable_edit", args=[famille["mere"].pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "Martinez" not in response.content.decode(), url
    assert client.get(f"/api/v1/pre/enfants/{lea.pk}/").status_code in (403, 404)
    assert not JournalAcces.objects.filter(utilisateur=user).exists()  # unscoped: test


def test_a_referent_of_another_contract_gets_404(client, autre_contrat, famille):
    ailleurs = factories.UserFactory(roles=[RoleCode.REFERENT_PRE], contrats=[autre_contrat])
    client.force_login(ailleurs)
    assert client.get(reverse("pre:enfant_detail", args=[famille["lea"].pk])).status_code == 404
    assert "Martinez" not in client.get(reverse("pre:enfant_list")).content.decode()


# The record ---------------------------------------------------------------------------------


def test_the_record_shows_the_family_and_logs_the_read(client, referent_pre, famille):
    client.force_login(referent_pre)
    lea = famille["lea"]
    response = client.get(reverse("pre:enfant_detail", args=[lea.pk]))
    content = response.content.decode()
    assert f"<title>Enfant n° {lea.pk} —" in content  # never a name in the title
    assert "Martinez" in content and "14/03/2015" in content
    assert "620 €" in content  # the mother's quotient familial
    assert "Difficultés scolaires, Isolement social" in content
    assert f'href="/pre/parcours/{famille["parcours"].pk}/"' in content
    journal = JournalAcces.objects.get(utilisateur=referent_pre)  # unscoped: test
    assert (journal.contrat_id, journal.enfant_numero, journal.objet) == (
        lea.contrat_id, lea.pk, "fiche enfant",
    )  # fmt: skip


def test_it_creates_a_child_or_says_what_is_missing_in_french(client, referent_pre, contrat):
    client.force_login(referent_pre)
    url = reverse("pre:enfant_create")
    response = client.post(url, {"nom": "", "prenom": "Inès", "date_naissance": "31/02/2016"})
    content = response.content.decode()
    assert "Le dossier n&#x27;est pas enregistré" in content
    assert "Indiquez le nom de l&#x27;enfant." in content
    assert "Indiquez une date valide" in content
    assert "Indiquez le sexe de l&#x27;enfant." in content
    futur = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {"nom": "Haddad", "prenom": "Inès", "date_naissance": futur,
                                 "sexe": "F"})  # fmt: skip
    assert "La date de naissance ne peut pas être dans le futur." in response.content.decode()
    assert not Enfant.objects.exists()  # unscoped: test

    response = client.post(
        url, {"nom": "Haddad", "prenom": "Inès", "date_naissance": "2016-05-20", "sexe": "F"},
        follow=True,
    )  # fmt: skip
    enfant = Enfant.objects.get()  # unscoped: test
    assert (enfant.contrat, enfant.nom, enfant.annee_naissance) == (contrat, "Haddad", 2016)
    flash = [str(m) for m in response.context["messages"]]
    assert flash == [f"Le dossier n° {enfant.pk} est enregistré."]


def test_an_edit_on_a_stale_version_is_refused(client, referent_pre, famille):
    client.force_login(referent_pre)
    lea = famille["lea"]
    url = reverse("pre:enfant_edit", args=[lea.pk])
    donnees = {"nom": "Martinez-Garcia", "prenom": "Léa", "date_naissance": "2015-03-14",
               "sexe": "F", "version": "1"}  # fmt: skip
    assert client.post(url, donnees).status_code == 302
    lea.refresh_from_db()
    assert (lea.nom, lea.version) == ("Martinez-Garcia", 2)
    # Someone else still holds version 1.
    response = client.post(url, {**donnees, "nom": "Garcia"})
    assert "a été modifié entre-temps" in response.content.decode()
    lea.refresh_from_db()
    assert lea.nom == "Martinez-Garcia"


def test_guardians_are_added_and_edited(client, referent_pre, famille):
    client.force_login(referent_pre)
    lea = famille["lea"]
    url = reverse("pre:responsable_add", args=[lea.pk])
    response = client.post(
        url,
        {
            "lien": "pere",
            "nom": "",
            "prenom": "Karim",
            "quotient_familial": "-5",
            "email": "pas-une-adresse",
        },
    )
    content = response.content.decode()
    assert "Indiquez le nom du responsable légal." in content
    assert "Le quotient familial ne peut pas être négatif." in content
    assert "Indiquez une adresse électronique valide" in content
    assert lea.responsables.count() == 1
    client.post(url, {"lien": "pere", "nom": "Martinez", "prenom": "Karim",
                      "quotient_familial": "620"})  # fmt: skip
    assert lea.responsables.count() == 2
    mere = famille["mere"]
    edit = reverse("pre:responsable_edit", args=[mere.pk])
    client.post(edit, {"lien": "mere", "nom": "Martinez", "prenom": "Sophie",
                       "quotient_familial": "540"})  # fmt: skip
    mere.refresh_from_db()
    assert mere.quotient_familial == 540


def test_a_referral_needs_a_reason(client, referent_pre, famille):
    client.force_login(referent_pre)
    noe = famille["noe"]
    url = reverse("pre:reperage_add", args=[noe.pk])
    response = client.post(url, {"date": "2026-10-01", "reperant": "centre_social"})
    assert "Cochez au moins un motif de repérage." in response.content.decode()
    assert noe.reperages.count() == 1
    organisation = factories.OrganisationFactory(nom="Centre social Fontaine")
    client.post(url, {"date": "2026-10-01", "reperant": "centre_social",
                      "organisation": organisation.pk, "motifs": ["langue", "isolement"],
                      "commentaire": "Arrivé en cours d'année."})  # fmt: skip
    reperage = noe.reperages.order_by("-id").first()
    assert (reperage.organisation, reperage.motifs) == (organisation, ["langue", "isolement"])


# The consent -------------------------------------------------------------------------------


def test_a_consent_is_checked_by_its_content_and_downloaded_privately(
    client, referent_pre, agent_agglo, famille
):
    client.force_login(referent_pre)
    lea = famille["lea"]
    url = reverse("pre:consentement_add", args=[lea.pk])
    faux = SimpleUploadedFile("consentement.pdf", b"Bonjour, ceci est du texte.")
    response = client.post(url, {"date": "2026-09-30", "document": faux})
    content = response.content.decode()
    assert "Ce fichier n&#x27;est pas accepté : son contenu est de type « text/plain »" in content
    assert not Consentement.objects.exists()  # unscoped: test

    vrai = SimpleUploadedFile("scan de Léa Martinez.pdf", PDF)
    assert client.post(url, {"date": "2026-09-30", "document": vrai}).status_code == 302
    consentement = Consentement.objects.get()  # unscoped: test
    assert consentement.type_mime == "application/pdf"
    assert "Martinez" not in consentement.document.name  # a random name

    download = reverse("pre:consentement_document", args=[consentement.pk])
    response = client.get(download)
    assert b"".join(response.streaming_content) == PDF
    assert f"consentement-enfant-{lea.pk}.pdf" in response["Content-Disposition"]
    assert lectures(referent_pre, "consentement") == [(lea.pk, "consentement")]

    client.force_login(agent_agglo)
    assert client.get(download).status_code in (403, 404)


# Right of access ---------------------------------------------------------------------------


def test_the_export_holds_everything_on_the_family(client, referent_pre, famille):
    client.force_login(referent_pre)
    lea = famille["lea"]
    response = client.get(reverse("pre:enfant_export", args=[lea.pk]))
    assert f'filename="famille-enfant-{lea.pk}.json"' in response["Content-Disposition"]
    donnees = json.loads(response.content)
    assert donnees["enfant"]["nom"] == "Martinez"
    assert donnees["enfant"]["date_naissance"] == "2015-03-14"
    assert donnees["enfant"]["quartier"] == "La Conte"
    assert donnees["responsables_legaux"][0]["quotient_familial"] == 620
    assert donnees["reperages"][0]["motifs"] == ["Difficultés scolaires", "Isolement social"]
    assert donnees["reperages"][0]["commissions"][0]["decision"] == "Entrée en parcours"
    assert donnees["parcours"][0]["objectifs"] == "Reprendre confiance."
    assert donnees["parcours"][0]["revues"][0]["contenu"] == "Progrès en lecture."
    assert lectures(referent_pre) == [(lea.pk, "export famille")]

    excel = client.get(reverse("pre:enfant_export", args=[lea.pk]), {"format": "xlsx"})
    classeur = openpyxl.load_workbook(io.BytesIO(excel.content))
    assert classeur["Enfant"]["B2"].value == "Martinez"
    assert classeur["Responsables légaux"]["G2"].value == 620


# Right to erasure -----------------------------------------------------------------------------


def test_only_the_coordinator_erases_a_family(client, referent_pre, coordinateur_pre, famille):
    lea = famille["lea"]
    url = reverse("pre:enfant_effacer", args=[lea.pk])
    client.force_login(referent_pre)
    assert client.get(url).status_code == 403
    client.force_login(coordinateur_pre)
    page = client.get(url).content.decode()
    assert "Ce qui reste" in page and "journal des accès" in page
    assert "Martinez" not in page


def test_the_erasure_removes_the_family_and_keeps_the_log(
    client, coordinateur_pre, referent_pre, famille
):
    lea = famille["lea"]
    client.force_login(referent_pre)
    client.get(reverse("pre:enfant_detail", args=[lea.pk]))
    client.post(
        reverse("pre:consentement_add", args=[lea.pk]),
        {"date": "2026-09-30", "document": SimpleUploadedFile("c.pdf", PDF)},
    )
    fichier = Consentement.objects.get().document.name  # unscoped: test
    assert default_storage.exists(fichier)
    client.force_login(coordinateur_pre)
    url = reverse("pre:enfant_effacer", args=[lea.pk])
    response = client.post(url, {"numero": str(lea.pk + 1000)})
    assert "Ce numéro n&#x27;est pas celui du dossier : rien n&#x27;a été effacé." in (
        response.content.decode()
    )
    assert Enfant.objects.get(pk=lea.pk).nom == "Martinez"  # unscoped: test

    with_commit = client.post(url, {"numero": str(lea.pk)}, follow=True)
    flash = [str(m) for m in with_commit.context["messages"]]
    assert flash == [f"Les données personnelles du dossier n° {lea.pk} sont effacées."]
    efface = Enfant.objects.get(pk=lea.pk)  # unscoped: test
    assert (efface.nom, efface.prenom, efface.date_naissance) == (None, None, None)
    assert efface.anonymise_le is not None and efface.annee_naissance == 2015
    assert not ResponsableLegal.objects.filter(enfant=efface).exists()  # unscoped: test
    assert not Consentement.objects.filter(enfant=efface).exists()  # unscoped: test
    assert Reperage.objects.get(pk=famille["reperage"].pk).commentaire is None  # unscoped
    parcours = Parcours.objects.get(pk=famille["parcours"].pk)  # unscoped: test
    assert parcours.objectifs is None and parcours.satisfaction == {"besoins": 4}
    assert not RevueParcours.objects.exists()  # unscoped: test
    # The child is gone from the pages; the log of reads keeps the earlier read.
    assert client.get(reverse("pre:enfant_detail", args=[lea.pk])).status_code == 404
    assert "Martinez" not in client.get(reverse("pre:enfant_list")).content.decode()
    assert lectures(referent_pre) == [(lea.pk, "fiche enfant")]


def test_the_erasure_takes_the_familys_names_out_of_shared_minutes(coordinateur_pre, famille):
    from pre import services

    lea, noe = famille["lea"], famille["noe"]
    commission = famille["lea"].reperages.get().situations.get().commission
    SituationCommission.objects.create(commission=commission, reperage=ReperageFactory(enfant=noe))
    commission.compte_rendu = (
        "Léa Martinez : entrée proposée, sa mère Sophie MARTINEZ est d'accord. "
        "Noé Bernard : ajourné. Léane, sa voisine, n'est pas concernée."
    )
    commission.save()

    services.famille_effacer(enfant=lea, user=coordinateur_pre)

    commission.refresh_from_db()
    assert commission.compte_rendu == (
        f"[dossier n° {lea.pk}] : entrée proposée, sa mère [dossier n° {lea.pk}] est d'accord. "
        "Noé Bernard : ajourné. Léane, sa voisine, n'est pas concernée."
    )


@pytest.mark.django_db(transaction=True)
def test_the_erasure_deletes_the_consents_file(coordinateur_pre, famille):
    from pre import services

    lea = famille["lea"]
    consentement = Consentement.objects.create(  # unscoped: test
        enfant=lea, date=datetime.date(2026, 9, 30),
        document=SimpleUploadedFile("c.pdf", PDF), type_mime="application/pdf",
    )  # fmt: skip
    nom = consentement.document.name
    assert default_storage.exists(nom)
    services.famille_effacer(enfant=lea, user=coordinateur_pre)
    assert not default_storage.exists(nom)


# The log of reads ----------------------------------------------------------------------------


def test_the_coordinator_reads_and_filters_the_log(client, coordinateur_pre, referent_pre, famille):
    lea, noe = famille["lea"], famille["noe"]
    client.force_login(referent_pre)
    client.get(reverse("pre:enfant_detail", args=[lea.pk]))
    client.get(reverse("pre:enfant_detail", args=[noe.pk]))
    assert client.get(reverse("pre:journal")).status_code == 403
    client.force_login(coordinateur_pre)
    url = reverse("pre:journal")
    content = client.get(url).content.decode()
    assert "2 accès." in content and "fiche enfant" in content
    assert "Martinez" not in content  # numbers only
    content = client.get(url, {"enfant": lea.pk}).content.decode()
    assert "1 accès." in content
    content = client.get(url, {"utilisateur": referent_pre.pk, "enfant": noe.pk}).content.decode()
    assert "1 accès." in content
    content = client.get(url, {"enfant": "douze"}).content.decode()
    assert "Indiquez un numéro d&#x27;enfant, en chiffres." in content


def test_the_log_is_paginated(client, coordinateur_pre, contrat, famille):
    for _ in range(51):
        JournalAcces.objects.create(
            contrat=contrat, utilisateur=coordinateur_pre, enfant_numero=famille["lea"].pk,
            objet="fiche enfant",
        )  # fmt: skip
    client.force_login(coordinateur_pre)
    content = client.get(reverse("pre:journal")).content.decode()
    assert "51 accès." in content and "Page 1 sur 2" in content


# The API ------------------------------------------------------------------------------------


def test_the_api_gives_the_pre_staff_children_with_family_and_logs(
    client, referent_pre, famille, django_assert_max_num_queries
):
    client.force_login(referent_pre)
    response = client.get("/api/v1/pre/enfants/")
    assert response.status_code == 200
    resultats = {e["id"]: e for e in response.json()["results"]}
    lea = resultats[famille["lea"].pk]
    assert (lea["nom"], lea["date_naissance"], lea["quartier_nom"]) == (
        "Martinez", "2015-03-14", "La Conte",
    )  # fmt: skip
    assert lea["responsables"][0]["quotient_familial"] == 620
    assert lea["reperages"][0]["motifs"] == ["resultats_scolaires", "isolement"]
    assert len(resultats) == 2
    assert len(lectures(referent_pre, "API enfant")) == 2

    detail = client.get(f"/api/v1/pre/enfants/{famille['noe'].pk}/")
    assert detail.json()["prenom"] == "Noé"
    assert lectures(referent_pre, "API enfant")[-1] == (famille["noe"].pk, "API enfant")


def test_the_api_list_query_count_is_locked(
    client, referent_pre, contrat, famille, django_assert_num_queries
):
    client.force_login(referent_pre)
    client.get("/api/v1/pre/enfants/")
    # session, user, roles, count, children (quartier and school joined), guardians,
    # referrals (organisation joined), the log's one insert.
    with django_assert_num_queries(QUERIES_API) as captured:
        client.get("/api/v1/pre/enfants/")
    for _ in range(4):
        EnfantFactory(contrat=contrat)
    with django_assert_num_queries(len(captured)):
        assert client.get("/api/v1/pre/enfants/").json()["count"] == 6


QUERIES_API = 8


@pytest.mark.parametrize("persona", ["membre_eps", "agent_agglo", "superuser"])
def test_the_api_refuses_everyone_else(client, famille, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/api/v1/pre/enfants/")
    assert response.status_code == 403
    assert "Martinez" not in response.content.decode()
