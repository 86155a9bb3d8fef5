"""The PRE's entry in the « registre des activités de traitement » (art. 30 RGPD), generated
from the contract's configuration, as sections for the page and as Markdown or plain text
for the download. No personal data: the people are described by category only."""

from dataclasses import dataclass

from django.utils import timezone

from pre.models import ConfigurationPRE, EquipeEPS


@dataclass
class Section:
    titre: str
    elements: list


@dataclass
class Registre:
    titre: str
    contrat: str
    date: object
    sections: list


def registre(contrat, *, today=None):
    """The register entry of the PRE of `contrat`."""
    config = ConfigurationPRE.objects.filter(contrat=contrat).select_related("structure").first()
    config = config or ConfigurationPRE(contrat=contrat)
    structure = (
        config.structure.nom
        if config.structure
        else "Structure porteuse non renseignée (à compléter dans la configuration du PRE)"
    )
    equipes = list(EquipeEPS.objects.filter(contrat=contrat).values_list("nom", flat=True))
    n = config.conservation_annees
    ans = "an" if n == 1 else "ans"
    return Registre(
        titre="Programme de réussite éducative (PRE) — suivi des parcours individuels",
        contrat=contrat.nom,
        date=today or timezone.localdate(),
        sections=[
            Section(
                "Responsable du traitement",
                [
                    structure,
                    "Pilotage opérationnel : le coordinateur du PRE, qui consulte le journal "
                    "des accès aux dossiers.",
                ],
            ),
            Section(
                "Finalités",
                [
                    "Repérer les enfants de 2 à 16 ans des quartiers prioritaires présentant "
                    "des signes de fragilité, examiner leur situation en équipe "
                    "pluridisciplinaire de soutien (EPS).",
                    "Construire et suivre un parcours individualisé de réussite éducative avec "
                    "l'enfant et sa famille (actions, revues, sortie).",
                    "Produire des statistiques anonymes pour le pilotage et les financeurs.",
                ],
            ),
            Section(
                "Base légale",
                [
                    "Mission d'intérêt public (article 6-1-e du RGPD) : programme de réussite "
                    "éducative de la politique de la ville.",
                    "Consentement écrit de la famille pour l'entrée de l'enfant en parcours, "
                    "conservé dans le dossier.",
                ],
            ),
            Section(
                "Catégories de données",
                [
                    "Identité de l'enfant : nom, prénom, date de naissance, sexe, quartier de "
                    "résidence.",
                    "Scolarité : établissement, classe.",
                    "Famille : responsables légaux (lien, nom, prénom, coordonnées), quotient "
                    "familial.",
                    "Repérage : origine, motifs, commentaire ; décisions et commentaires des "
                    "commissions de l'EPS.",
                    "Parcours : objectifs, actions et leur coût, revues, adhésion des parents, "
                    "sortie et son motif, questionnaire de satisfaction.",
                    "Besoins liés à la santé, saisis en texte libre (données sensibles, "
                    "article 9 du RGPD) : limités au nécessaire.",
                ],
            ),
            Section(
                "Catégories de personnes concernées",
                [
                    "Enfants mineurs de 2 à 16 ans repérés ou suivis par le PRE.",
                    "Leurs responsables légaux.",
                    "Les professionnels qui repèrent, décident et accompagnent (agents, "
                    "membres des EPS).",
                ],
            ),
            Section(
                "Destinataires",
                [
                    "L'équipe du PRE du contrat (coordinateur, référents de parcours).",
                    "Les membres des EPS"
                    + (f" ({', '.join(equipes)})" if equipes else "")
                    + ", pour les seuls enfants inscrits à l'ordre du jour de leurs "
                    "commissions.",
                    "Les partenaires et financeurs du contrat ne reçoivent que des "
                    f"statistiques anonymes, les effectifs inférieurs à {config.seuil_masquage} "
                    "étant masqués.",
                    "Aucun transfert hors de l'Union européenne.",
                ],
            ),
            Section(
                "Durée de conservation",
                [
                    f"Pendant le parcours, puis {n} {ans} après la sortie de l'enfant.",
                    "Ensuite, anonymisation automatique chaque nuit : identité, famille, "
                    "documents et textes libres sont effacés ; seules restent les données "
                    "utiles aux statistiques (sexe, année de naissance, quartier, dates, "
                    "motifs).",
                    "Le journal des accès est conservé sans nom (numéro de dossier).",
                ],
            ),
            Section(
                "Mesures de sécurité",
                [
                    "Chiffrement au repos des données d'identité, de la famille et des textes "
                    "libres.",
                    "Accès selon le rôle : équipe du PRE du contrat, membres des EPS pour "
                    "leurs commissions ; ni les élus, ni les partenaires, ni les "
                    "administrateurs techniques n'accèdent aux dossiers.",
                    "Journal de chaque consultation d'un dossier, consultable par le coordinateur.",
                    "Documents stockés hors de l'espace public, sous un nom aléatoire.",
                    "Connexion nominative ; statistiques à petits effectifs masqués.",
                ],
            ),
            Section(
                "Droits des personnes",
                [
                    "Accès, rectification, limitation et opposition auprès du responsable du "
                    "traitement ; réclamation auprès de la CNIL.",
                ],
            ),
        ],
    )


def registre_markdown(entree):
    lignes = [
        f"# {entree.titre}",
        "",
        f"Contrat : {entree.contrat}  ",
        f"Fiche générée le {entree.date:%d/%m/%Y}.",
    ]
    for section in entree.sections:
        lignes += ["", f"## {section.titre}", ""]
        lignes += [f"- {element}" for element in section.elements]
    return "\n".join(lignes) + "\n"


def registre_texte(entree):
    lignes = [
        entree.titre.upper(),
        "",
        f"Contrat : {entree.contrat}",
        f"Fiche générée le {entree.date:%d/%m/%Y}.",
    ]
    for section in entree.sections:
        lignes += ["", section.titre.upper(), "-" * len(section.titre)]
        lignes += [f"* {element}" for element in section.elements]
    return "\n".join(lignes) + "\n"
