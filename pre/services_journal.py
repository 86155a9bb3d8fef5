"""The log of reads of a child's record (pre.models.JournalAcces).

Every page, API response or export that shows a child's identity calls `journaliser` once.
The row keeps the child's number, never a name, so that erasing a family keeps the trace.
"""

from pre.models import JournalAcces


def journaliser(*, user, enfant, objet):
    """Record that `user` read `enfant`'s record through `objet` ("fiche enfant", "API
    enfant", "export famille"…). Returns the new row."""
    return JournalAcces.objects.create(
        contrat_id=enfant.contrat_id,
        utilisateur=user,
        enfant_numero=enfant.pk,
        objet=str(objet)[:100],
    )


def journaliser_plusieurs(*, user, enfants, objet):
    """Record one read per child of `enfants` in one query (list exports, APIs)."""
    rows = [
        JournalAcces(
            contrat_id=enfant.contrat_id,
            utilisateur=user,
            enfant_numero=enfant.pk,
            objet=str(objet)[:100],
        )
        for enfant in enfants
    ]
    return JournalAcces.objects.bulk_create(rows)
