"""The leak walk: every route of the project requested as each user, and what the answers,
the logs written meanwhile and the e-mails sent say that they must not.

A module's records are all numbered `pk`: its routes (pages, API, back office) are aimed at
them, every other route keeps its sample URL (tests/routes.py)."""

import io
import re

import openpyxl
from django.core import mail

from tests.routes import all_routes


def texte(response):
    """What the user receives: headers, then the body — a workbook's cells, a file's bytes."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    if "spreadsheetml" in response.get("Content-Type", ""):
        workbook = openpyxl.load_workbook(io.BytesIO(body))
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return headers + " ".join(cells)
    return headers + body.decode("utf-8", errors="replace")


def trouves(text, secrets):
    return [secret for secret in secrets if secret in text]


def _du_module(route, module):
    return route.name.startswith((f"{module}:", f"admin:{module}_")) or route.url.startswith(
        f"/api/v1/{module}/"
    )


def adresses(*, module, pk, seulement_le_module=False):
    """(route, URL) for every route: those of `module` (its pages, API and back office)
    aimed at the records numbered `pk`, the others at their sample URL."""
    return [
        (
            route,
            re.sub(r"/1(?=[/.])", f"/{pk}", route.url) if _du_module(route, module) else route.url,
        )
        for route in all_routes()[0]
        if _du_module(route, module) or not seulement_le_module
    ]


def fermees(client, *, module, pk):
    """The pages and API routes of `module`, aimed at its records, that do not open for the
    logged-in user. A form answering POST only sends a GET back to its record's page."""
    fermees = set()
    for route, adresse in adresses(module=module, pk=pk, seulement_le_module=True):
        if route.name.startswith("admin:"):
            continue
        response = client.get(adresse)
        if response.status_code not in (200, 302, 405) or "connexion" in response.get(
            "Location", ""
        ):
            fermees.add((route.name, response.status_code))
    return fermees


def parcourir(client, users, *, module, pk, secrets, caplog):
    """Request every route as each of `users` (name → user, None for an anonymous visitor).
    Returns the leaks as (user, URL, status, secrets found), the logs and e-mails included,
    and how many answers were real pages (200)."""
    fuites, pages = [], 0
    for name, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for _, adresse in adresses(module=module, pk=pk):
            response = client.get(adresse)
            pages += response.status_code == 200
            if found := trouves(texte(response), secrets):
                fuites.append((name, adresse, response.status_code, found))
    logged = " ".join(record.getMessage() for record in caplog.records)
    if found := trouves(logged, secrets):
        fuites.append(("journaux", "", None, found))
    sent = " ".join(f"{m.subject} {m.body} {m.alternatives}" for m in mail.outbox)
    if found := trouves(sent, secrets):
        fuites.append(("courriels", "", None, found))
    return fuites, pages
