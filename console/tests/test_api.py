"""Service API (DEVELOPERS.md contract) over HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from digiconsole.db import Database
from digiconsole.events import Event
from digiconsole.models import Handoff, Notitie, utcnow

from .conftest import SERVICE_TOKEN, add_adviseur, add_handoff, at, get_handoff, state_of

BODY: dict[str, Any] = {
    "conversation_id": "conv-1",
    "channel": "socketio",
    "loket": "ibdo",
    "fase": "funderen",
    "scan_antwoorden": {"tools": "C", "data": "B"},
    "focus": ["data"],
    "gemeente": "Emmen",
    "provincie": "Drenthe",
    "aantal_medewerkers": 12,
    "contact_voorkeur": "chat",
    "toestemming": True,
    "naam": "Anna",
    "telefoon": "0612345678",
    "email": None,
    "vraag": "kan ik iemand spreken over een webshop?",
}


def count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Handoff)) or 0)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/handoffs"),
        ("GET", "/api/handoffs/open?conversation_id=x"),
        ("POST", "/api/handoffs/1/bericht"),
        ("POST", "/api/handoffs/1/annuleren"),
        ("DELETE", "/api/conversations/x/persoonsgegevens"),
    ],
)
@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {SERVICE_TOKEN}"])
def test_every_call_needs_the_service_token(
    client: TestClient, method: str, path: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.request(method, path, headers=headers, json=BODY)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_create_then_same_open_conversation_returns_the_same(api: TestClient, db: Database) -> None:
    add_adviseur(db, "a@ibdo.nl", "Anouk", ["ibdo"])
    first = api.post("/api/handoffs", json=BODY)
    assert first.status_code == 201
    assert first.json() == {
        "id": first.json()["id"],
        "status": "aangevraagd",
        "beschikbaar": True,
        "reden": "open",
    }
    second = api.post("/api/handoffs", json={**BODY, "vraag": "nog een keer"})
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert count(db) == 1
    handoff = get_handoff(db, first.json()["id"])
    assert handoff.naam == "Anna"
    assert handoff.vraag == "kan ik iemand spreken over een webshop?"
    assert handoff.scan_antwoorden == {"tools": "C", "data": "B"}
    assert handoff.focus == ["data"]
    assert handoff.toestemming is True
    assert handoff.toestemming_at is not None
    assert handoff.created_at.tzinfo is not None


def test_a_closed_hand_off_does_not_block_a_new_one(api: TestClient, db: Database) -> None:
    add_adviseur(db, "a@ibdo.nl", "Anouk", ["ibdo"])
    first = api.post("/api/handoffs", json=BODY).json()
    api.post(f"/api/handoffs/{first['id']}/annuleren")
    again = api.post("/api/handoffs", json=BODY)
    assert again.status_code == 201
    assert again.json()["id"] != first["id"]
    assert count(db) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"loket": "atlantis"}, "loket"),
        ({"conversation_id": ""}, "conversation_id"),
        ({"channel": None}, "channel"),
        ({"contact_voorkeur": "duif"}, "contact_voorkeur"),
        ({"fase": "zweven"}, "fase"),
        ({"scan_antwoorden": {"tools": "Z"}}, "scan_antwoorden"),
        ({"scan_antwoorden": {"koffie": "A"}}, "scan_antwoorden"),
        ({"focus": ["koffie"]}, "focus"),
        ({"aantal_medewerkers": -1}, "aantal_medewerkers"),
        ({"aantal_medewerkers": True}, "aantal_medewerkers"),
        ({"toestemming": "ja"}, "toestemming"),
        ({"onbekend": 1}, "onbekend"),
        ({"email": "geen-adres"}, "email"),
    ],
)
def test_bad_bodies_are_refused_naming_the_field(
    api: TestClient, db: Database, change: dict[str, Any], field: str
) -> None:
    response = api.post("/api/handoffs", json={**BODY, **change})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}:")
    assert count(db) == 0


def test_not_json_is_422(api: TestClient) -> None:
    response = api.post(
        "/api/handoffs", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize("toestemming", [False, None])
def test_contact_details_need_consent(
    api: TestClient, db: Database, toestemming: bool | None
) -> None:
    response = api.post("/api/handoffs", json={**BODY, "toestemming": toestemming})
    assert response.status_code == 422
    assert "toestemming" in response.json()["detail"]
    assert count(db) == 0


def test_without_contact_details_no_consent_is_needed(api: TestClient, db: Database) -> None:
    body = {**BODY, "toestemming": False, "naam": None, "telefoon": None, "email": None}
    response = api.post("/api/handoffs", json=body)
    assert response.status_code == 201
    handoff = get_handoff(db, response.json()["id"])
    assert handoff.toestemming is False
    assert handoff.toestemming_at is None


def test_minimal_body(api: TestClient, db: Database) -> None:
    add_adviseur(db, "k@kvk.nl", "Kees", ["kvk"])
    response = api.post(
        "/api/handoffs",
        json={"conversation_id": "c9", "channel": "whatsapp", "contact_voorkeur": "chat"},
    )
    assert response.status_code == 201
    assert response.json()["reden"] == "open"  # no loket: served by kvk advisers
    assert get_handoff(db, response.json()["id"]).loket is None


def test_no_advisers_for_the_loket(api: TestClient, db: Database) -> None:
    add_adviseur(db, "g@gro.nl", "Gert", ["grobusiness"])
    add_adviseur(db, "weg@ibdo.nl", "Weg", ["ibdo"], actief=False)
    chat = api.post("/api/handoffs", json=BODY)
    assert chat.status_code == 201
    assert chat.json()["beschikbaar"] is False
    assert chat.json()["reden"] == "geen_adviseurs"
    # Nobody will come to the chat: closed at once.
    assert chat.json()["status"] == "afgerond"
    assert get_handoff(db, chat.json()["id"]).afsluiting == "verlopen"
    bellen = api.post(
        "/api/handoffs", json={**BODY, "conversation_id": "c2", "contact_voorkeur": "terugbellen"}
    )
    assert bellen.json()["status"] == "aangevraagd"
    assert bellen.json()["reden"] == "geen_adviseurs"


def test_outside_office_hours(api: TestClient, db: Database) -> None:
    add_adviseur(db, "a@ibdo.nl", "Anouk", ["ibdo"])
    state = state_of(api)
    object.__setattr__(
        state.settings,
        "kantooruren",
        type(state.settings.kantooruren).parse("ma-vr 09:00-17:00"),
    )
    state.now = lambda: at("2026-11-28T12:00:00+01:00")  # type: ignore[method-assign]  # Saturday
    bellen = api.post("/api/handoffs", json={**BODY, "contact_voorkeur": "terugbellen"})
    assert bellen.json() == {
        "id": bellen.json()["id"],
        "status": "aangevraagd",
        "beschikbaar": False,
        "reden": "buiten_kantooruren",
    }
    chat = api.post("/api/handoffs", json={**BODY, "conversation_id": "c2"})
    assert chat.json()["status"] == "afgerond"
    state.now = lambda: at("2026-11-30T09:00:00+01:00")  # type: ignore[method-assign]  # Monday
    inside = api.post("/api/handoffs", json={**BODY, "conversation_id": "c3"})
    assert inside.json()["reden"] == "open"


def test_get_open(api: TestClient, db: Database) -> None:
    assert api.get("/api/handoffs/open", params={"conversation_id": "conv-1"}).status_code == 404
    assert api.get("/api/handoffs/open").status_code == 422
    add_adviseur(db, "a@ibdo.nl", "Anouk", ["ibdo"])
    created = api.post("/api/handoffs", json=BODY).json()
    response = api.get("/api/handoffs/open", params={"conversation_id": "conv-1"})
    assert response.status_code == 200
    assert response.json()["id"] == created["id"]
    assert response.json()["status"] == "aangevraagd"
    assert response.json()["adviseur"] is None


def test_bericht_is_published_to_consoles_of_the_loket(api: TestClient, db: Database) -> None:
    state = state_of(api)
    ibdo = state.bus.subscribe(frozenset({"ibdo"}))
    gro = state.bus.subscribe(frozenset({"grobusiness"}))
    handoff_id = add_handoff(db, conversation_id="conv-1", loket="ibdo", status="actief")
    response = api.post(
        f"/api/handoffs/{handoff_id}/bericht", json={"tekst": "Hallo?", "tijd": 1764000000.5}
    )
    assert response.status_code == 200
    assert response.json()["consoles"] == 1
    event = ibdo.queue.get_nowait()
    assert event == Event("bericht", handoff_id, "ibdo", {"tekst": "Hallo?", "tijd": 1764000000.5})
    assert gro.queue.empty()


def test_bericht_errors(api: TestClient, db: Database) -> None:
    assert api.post("/api/handoffs/999/bericht", json={"tekst": "x"}).status_code == 404
    assert api.post("/api/handoffs/abc/bericht", json={"tekst": "x"}).status_code == 404
    handoff_id = add_handoff(db)
    assert api.post(f"/api/handoffs/{handoff_id}/bericht", json={"tekst": ""}).status_code == 422
    assert api.post(f"/api/handoffs/{handoff_id}/bericht", json=["x"]).status_code == 422
    closed = add_handoff(db, status="afgerond", closed_at=utcnow(), afsluiting="gebruiker")
    assert api.post(f"/api/handoffs/{closed}/bericht", json={"tekst": "x"}).status_code == 409


def test_annuleren(api: TestClient, db: Database) -> None:
    state = state_of(api)
    sub = state.bus.subscribe(None)
    handoff_id = add_handoff(db, conversation_id="conv-1")
    response = api.post(f"/api/handoffs/{handoff_id}/annuleren")
    assert response.status_code == 200
    assert response.json() == {"id": handoff_id, "status": "afgerond"}
    handoff = get_handoff(db, handoff_id)
    assert handoff.afsluiting == "gebruiker"
    assert handoff.closed_at is not None
    assert sub.queue.get_nowait().type == "gewijzigd"
    # Idempotent: a second call changes nothing.
    again = api.post(f"/api/handoffs/{handoff_id}/annuleren")
    assert again.status_code == 200
    assert get_handoff(db, handoff_id).closed_at == handoff.closed_at
    assert api.post("/api/handoffs/999/annuleren").status_code == 404


def test_delete_personal_data(api: TestClient, db: Database) -> None:
    adviseur = add_adviseur(db, "a@ibdo.nl", "Anouk", ["ibdo"])
    old = add_handoff(
        db,
        conversation_id="conv-x",
        status="afgerond",
        closed_at=utcnow() - timedelta(days=1),
        toestemming=True,
        naam="Anna",
        telefoon="0612345678",
        email="anna@example.nl",
        vraag="webshop?",
    )
    current = add_handoff(db, conversation_id="conv-x", toestemming=True, naam="Anna")
    other = add_handoff(db, conversation_id="conv-y", toestemming=True, naam="Bert")
    with db.session() as session:
        session.add(
            Notitie(
                handoff_id=old, adviseur_id=adviseur, tekst="belt om 3 uur", created_at=utcnow()
            )
        )
        session.add(
            Notitie(handoff_id=other, adviseur_id=adviseur, tekst="blijft", created_at=utcnow())
        )
    response = api.delete("/api/conversations/conv-x/persoonsgegevens")
    assert response.status_code == 200
    assert response.json() == {"gewist": 2}
    for handoff_id in (old, current):
        handoff = get_handoff(db, handoff_id)
        assert (handoff.naam, handoff.telefoon, handoff.email, handoff.vraag) == (None,) * 4
        assert handoff.contact_gewist_at is not None
    assert get_handoff(db, other).naam == "Bert"
    with db.session() as session:
        notes = session.scalars(select(Notitie.tekst)).all()
    assert notes == ["blijft"]
    assert api.delete("/api/conversations/none/persoonsgegevens").json() == {"gewist": 0}
