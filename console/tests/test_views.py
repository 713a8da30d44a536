"""The adviser console over HTTP, with a fake Rasa on loopback."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from digiconsole.app import create_app
from digiconsole.db import Database
from digiconsole.models import Notitie, utcnow
from digiconsole.settings import Settings
from digiconsole.views import NIET_AFGELEVERD, wachttijd

from .conftest import (
    FakeRasa,
    add_adviseur,
    add_handoff,
    at,
    base_env,
    csrf_from,
    dead_url,
    get_handoff,
    login,
    state_of,
)

TRACKER = [
    {"event": "action", "name": "action_listen", "timestamp": 1764000000.0},
    {"event": "user", "text": "Hoi, ik wil een webshop", "timestamp": 1764000060.0, "metadata": {}},
    {"event": "bot", "text": "Zal ik je doorverbinden?", "timestamp": 1764000065.0},
    {"event": "user", "text": "EXTERNAL: adviseur_overname", "timestamp": 1764000100.0},
    {
        "event": "user",
        "text": "/adviseur_overname",
        "timestamp": 1764000101.0,
        "metadata": {"is_external": True},
    },
    {
        "event": "bot",
        "text": "Ik ben Anouk van IBDO.",
        "timestamp": 1764000120.0,
        "metadata": {"adviseur": "Anouk"},
    },
    {"event": "user", "text": "<script>alert('x')</script>", "timestamp": 1764000180.0},
]


@pytest.fixture
def people(db: Database) -> dict[str, int]:
    return {
        "anouk": add_adviseur(db, "anouk@ibdo.nl", "Anouk", ["ibdo"]),
        "bram": add_adviseur(db, "bram@ibdo.nl", "Bram", ["ibdo"]),
        "admin": add_adviseur(db, "beheer@digiwijzer.nl", "Beheer", [], admin=True),
        "kees": add_adviseur(db, "kees@kvk.nl", "Kees", ["kvk"]),
    }


def claim(client: TestClient, csrf: str, handoff_id: int) -> None:
    response = client.post(
        f"/handoffs/{handoff_id}/overnemen", data={"csrf": csrf}, follow_redirects=False
    )
    assert response.status_code == 303


# --- login --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: TestClient, db: Database) -> None:
    handoff_id = add_handoff(db)
    for path in ("/", f"/handoffs/{handoff_id}"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
    assert client.get("/events").status_code == 401
    assert client.get("/inbox/rows").status_code == 401
    assert client.get(f"/handoffs/{handoff_id}/transcript").status_code == 401
    response = client.post(f"/handoffs/{handoff_id}/overnemen", follow_redirects=False)
    assert response.status_code == 303
    fetch = client.post(f"/handoffs/{handoff_id}/bericht", headers={"X-Requested-With": "fetch"})
    assert fetch.status_code == 401


def test_login_and_logout(client: TestClient, people: dict[str, int]) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    assert "Inloggen" in page.text
    response = client.post(
        "/login",
        data={
            "email": "Anouk@IBDO.nl",
            "password": "correct horse battery",
            "csrf": csrf_from(page.text),
            "next": "/handoffs/1",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/handoffs/1"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    inbox = client.get("/")
    assert inbox.status_code == 200
    assert "Anouk" in inbox.text
    assert client.post("/logout", data={"csrf": "wrong"}).status_code == 403
    out = client.post("/logout", data={"csrf": csrf_from(inbox.text)}, follow_redirects=False)
    assert out.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_open_redirect_is_refused(client: TestClient, people: dict[str, int]) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": "anouk@ibdo.nl",
            "password": "correct horse battery",
            "csrf": csrf_from(page.text),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_secure_cookie_when_configured(db_url: str, fake_rasa: FakeRasa, db: Database) -> None:
    add_adviseur(db, "anouk@ibdo.nl", "Anouk", ["ibdo"])
    settings = Settings.from_env(base_env(db_url, fake_rasa.url, CONSOLE_COOKIE_SECURE="true"))
    with TestClient(create_app(settings, run_expiry=False), base_url="https://testserver") as c:
        response = c.get("/login")
        assert "secure" in response.headers["set-cookie"].lower()


def test_bad_password_gives_a_generic_error(client: TestClient, people: dict[str, int]) -> None:
    page = client.get("/login")
    csrf = csrf_from(page.text)
    wrong = client.post(
        "/login", data={"email": "anouk@ibdo.nl", "password": "nope nope nope", "csrf": csrf}
    )
    unknown = client.post(
        "/login", data={"email": "niemand@ibdo.nl", "password": "nope nope nope", "csrf": csrf}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "E-mailadres of wachtwoord klopt niet." in wrong.text
    assert "E-mailadres of wachtwoord klopt niet." in unknown.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_inactive_account_cannot_log_in(client: TestClient, db: Database) -> None:
    add_adviseur(db, "oud@ibdo.nl", "Oud", ["ibdo"], actief=False)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": "oud@ibdo.nl",
            "password": "correct horse battery",
            "csrf": csrf_from(page.text),
        },
    )
    assert response.status_code == 401


def test_login_rate_limit(client: TestClient, people: dict[str, int]) -> None:
    csrf = csrf_from(client.get("/login").text)
    for _ in range(5):
        response = client.post(
            "/login", data={"email": "anouk@ibdo.nl", "password": "fout fout fout", "csrf": csrf}
        )
        assert response.status_code == 401
    blocked = client.post(
        "/login", data={"email": "anouk@ibdo.nl", "password": "correct horse battery", "csrf": csrf}
    )
    assert blocked.status_code == 429
    assert "Te veel mislukte pogingen" in blocked.text
    # Per client IP too: another account from the same address is blocked as well.
    other = client.post(
        "/login", data={"email": "bram@ibdo.nl", "password": "correct horse battery", "csrf": csrf}
    )
    assert other.status_code == 429


def test_login_without_csrf_is_403(client: TestClient, people: dict[str, int]) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"email": "anouk@ibdo.nl", "password": "correct horse battery"}
    )
    assert response.status_code == 403


def test_post_without_csrf_is_403(client: TestClient, db: Database, people: dict[str, int]) -> None:
    handoff_id = add_handoff(db)
    login(client, "anouk@ibdo.nl")
    for action in ("overnemen", "bericht", "terug", "afronden", "notities"):
        response = client.post(f"/handoffs/{handoff_id}/{action}", data={"tekst": "x"})
        assert response.status_code == 403, action
        wrong = client.post(f"/handoffs/{handoff_id}/{action}", data={"csrf": "nep", "tekst": "x"})
        assert wrong.status_code == 403, action
    assert get_handoff(db, handoff_id).status == "aangevraagd"


def test_security_headers(client: TestClient) -> None:
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "<script>" not in response.text  # no inline script: all JS is in /static
    assert client.get("/static/console.js").status_code == 200


# --- inbox and visibility ----------------------------------------------------------------


def test_inbox_shows_own_lokets_oldest_first(
    client: TestClient, db: Database, people: dict[str, int]
) -> None:
    now = utcnow()
    from datetime import timedelta

    newer = add_handoff(db, loket="ibdo", gemeente="Assen", created_at=now - timedelta(minutes=3))
    older = add_handoff(
        db,
        loket="ibdo",
        gemeente="Emmen",
        fase="funderen",
        created_at=now - timedelta(minutes=12, seconds=5),
    )
    gro = add_handoff(db, loket="grobusiness", gemeente="Groningen")
    closed = add_handoff(
        db,
        loket="ibdo",
        gemeente="Hoogeveen",
        status="afgerond",
        closed_at=now,
        afsluiting="gebruiker",
    )
    login(client, "anouk@ibdo.nl")
    html = client.get("/").text
    assert f'/handoffs/{older}"' in html
    assert f'/handoffs/{newer}"' in html
    assert html.index(f'/handoffs/{older}"') < html.index(f'/handoffs/{newer}"')
    assert "12 min" in html
    assert "Funderen" in html
    assert "Ik Ben Drents Ondernemer (IBDO)" in html
    assert f'/handoffs/{gro}"' not in html
    assert f'/handoffs/{closed}"' not in html
    # The same rows as a fragment, with filters.
    rows = client.get("/inbox/rows", params={"status": "actief"}).text
    assert "Geen open aanvragen." in rows
    assert client.get("/inbox/rows", params={"loket": "ibdo"}).text.count("Bekijken") == 2
    # A loket outside the adviser's own is ignored as a filter, never widens the view.
    assert f'/handoffs/{gro}"' not in client.get("/", params={"loket": "grobusiness"}).text


def test_adviser_cannot_see_another_lokets_hand_off_but_admin_can(
    client: TestClient, db: Database, people: dict[str, int], fake_rasa: FakeRasa
) -> None:
    gro = add_handoff(db, loket="grobusiness", conversation_id="gro-1")
    csrf = login(client, "anouk@ibdo.nl")
    assert client.get(f"/handoffs/{gro}").status_code == 404
    assert client.get(f"/handoffs/{gro}/transcript").status_code == 404
    assert client.post(f"/handoffs/{gro}/overnemen", data={"csrf": csrf}).status_code == 404
    assert (
        client.post(f"/handoffs/{gro}/notities", data={"csrf": csrf, "tekst": "x"}).status_code
        == 404
    )
    assert f'/handoffs/{gro}"' not in client.get("/").text
    assert fake_rasa.triggers == []
    client.cookies.clear()
    login(client, "beheer@digiwijzer.nl")
    assert client.get(f"/handoffs/{gro}").status_code == 200
    assert f'/handoffs/{gro}"' in client.get("/").text


def test_hand_off_without_loket_is_for_kvk_and_admins(
    client: TestClient, db: Database, people: dict[str, int]
) -> None:
    handoff_id = add_handoff(db, loket=None)
    login(client, "anouk@ibdo.nl")
    assert client.get(f"/handoffs/{handoff_id}").status_code == 404
    client.cookies.clear()
    login(client, "kees@kvk.nl")
    assert client.get(f"/handoffs/{handoff_id}").status_code == 200
    assert "Nog geen loket" in client.get("/").text


# --- the hand-off page ----------------------------------------------------------------------


def test_hand_off_page_shows_scan_contact_and_transcript(
    client: TestClient, db: Database, people: dict[str, int], fake_rasa: FakeRasa
) -> None:
    fake_rasa.trackers["conv-1"] = TRACKER
    handoff_id = add_handoff(
        db,
        conversation_id="conv-1",
        fase="funderen",
        scan_antwoorden={"tools": "C", "data": "B"},
        focus=["data"],
        gemeente="Emmen",
        provincie="Drenthe",
        aantal_medewerkers=12,
        toestemming=True,
        naam="Anna",
        telefoon="0612345678",
        vraag="webshop <b>hulp</b>",
    )
    login(client, "anouk@ibdo.nl")
    html = client.get(f"/handoffs/{handoff_id}").text
    for expected in (
        "Funderen",
        "Digitale tools, systemen en online kanalen",
        "C: We gebruiken meerdere systemen, maar die werken nog weinig samen",
        "B: We hebben data, maar gebruiken die nog weinig om keuzes te maken",
        "Data &amp; sturing",
        "Emmen",
        "Drenthe",
        "12",
        "Anna",
        "0612345678",
        "niet gedeeld",  # e-mail
        "webshop &lt;b&gt;hulp&lt;/b&gt;",
        "Hoi, ik wil een webshop",
        "Zal ik je doorverbinden?",
        "Ik ben Anouk van IBDO.",
        "Overnemen",
    ):
        assert expected in html, expected
    assert "niet beantwoord" in html  # five of the seven topics
    assert "EXTERNAL" not in html
    assert "/adviseur_overname" not in html
    # 1764000060 = 2025-11-24 16:01 UTC = 17:01 in Amsterdam
    assert "17:01" in html
    assert fake_rasa.tokens
    assert set(fake_rasa.tokens) == {"rasa-token-for-tests"}


def test_chat_text_arrives_escaped(
    client: TestClient, db: Database, people: dict[str, int], fake_rasa: FakeRasa
) -> None:
    fake_rasa.trackers["conv-1"] = TRACKER
    handoff_id = add_handoff(
        db,
        conversation_id="conv-1",
        toestemming=True,
        naam="<script>alert(1)</script>",
        vraag="<script>steel()</script>",
    )
    csrf = login(client, "anouk@ibdo.nl")
    client.post(
        f"/handoffs/{handoff_id}/notities",
        data={"csrf": csrf, "tekst": "<script>notitie()</script>"},
    )
    page = client.get(f"/handoffs/{handoff_id}").text
    fragment = client.get(f"/handoffs/{handoff_id}/transcript").text
    for html in (page, fragment):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<script>" not in page.replace('<script src="/static/console.js" defer></script>', "")
    assert "&lt;script&gt;steel()&lt;/script&gt;" in page
    assert "&lt;script&gt;notitie()&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_rasa_down_page_still_works(db_url: str, db: Database, people: dict[str, int]) -> None:
    settings = Settings.from_env(base_env(db_url, dead_url()))
    handoff_id = add_handoff(db, conversation_id="conv-1")
    with TestClient(create_app(settings, run_expiry=False)) as c:
        csrf = login(c, "anouk@ibdo.nl")
        page = c.get(f"/handoffs/{handoff_id}")
        assert page.status_code == 200
        assert "De chatbot is niet bereikbaar" in page.text
        # Claim is refused with the Dutch error; nothing changes.
        response = c.post(f"/handoffs/{handoff_id}/overnemen", data={"csrf": csrf})
        assert response.status_code == 200
        assert NIET_AFGELEVERD in response.text
    handoff = get_handoff(db, handoff_id)
    assert handoff.status == "aangevraagd"
    assert handoff.adviseur_id is None


# --- actions --------------------------------------------------------------------------------


def test_claim_reply_and_close(
    client: TestClient, db: Database, people: dict[str, int], fake_rasa: FakeRasa
) -> None:
    handoff_id = add_handoff(db, conversation_id="conv-1")
    sub = state_of(client).bus.subscribe(frozenset({"ibdo"}))
    csrf = login(client, "anouk@ibdo.nl")
    claim(client, csrf, handoff_id)
    handoff = get_handoff(db, handoff_id)
    assert handoff.status == "actief"
    assert handoff.adviseur_id == people["anouk"]
    assert handoff.claimed_at is not None
    assert fake_rasa.triggers == [
        {
            "conversation_id": "conv-1",
            "output_channel": "latest",
            "name": "adviseur_overname",
            "entities": {"adviseur": "Anouk"},
        }
    ]
    assert sub.queue.get_nowait().type == "gewijzigd"
    page = client.get(f"/handoffs/{handoff_id}").text
    assert "Je hebt het gesprek overgenomen." in page
    assert "Versturen" in page
    assert "Dank je! Ik bekijk je scan even." in page
    assert ">Overnemen<" not in page

    # Reply as a form post and as a fetch.
    client.post(f"/handoffs/{handoff_id}/bericht", data={"csrf": csrf, "tekst": "Hoi Anna!"})
    response = client.post(
        f"/handoffs/{handoff_id}/bericht",
        data={"tekst": "Ik kijk mee."},
        headers={"X-CSRF-Token": csrf, "X-Requested-With": "fetch"},
    )
    assert response.json() == {"ok": True}
    assert fake_rasa.triggers[1]["name"] == "adviseur_bericht"
    assert fake_rasa.triggers[1]["entities"] == {"adviseur": "Anouk", "bericht": "Hoi Anna!"}
    assert fake_rasa.triggers[2]["entities"]["bericht"] == "Ik kijk mee."
    empty = client.post(
        f"/handoffs/{handoff_id}/bericht",
        data={"tekst": " "},
        headers={"X-CSRF-Token": csrf, "X-Requested-With": "fetch"},
    )
    assert empty.status_code == 422
    assert len(fake_rasa.triggers) == 3

    # Closing needs an outcome.
    client.post(f"/handoffs/{handoff_id}/afronden", data={"csrf": csrf, "uitkomst": "iets"})
    assert get_handoff(db, handoff_id).status == "actief"
    client.post(
        f"/handoffs/{handoff_id}/afronden", data={"csrf": csrf, "uitkomst": "afspraak_gemaakt"}
    )
    handoff = get_handoff(db, handoff_id)
    assert handoff.status == "afgerond"
    assert handoff.afsluiting == "adviseur"
    assert handoff.uitkomst == "afspraak_gemaakt"
    assert handoff.closed_at is not None
    assert fake_rasa.intents()[-1] == "adviseur_afgerond"
    assert "Afspraak gemaakt" in client.get(f"/handoffs/{handoff_id}").text


def test_only_the_claiming_adviser_replies(
    client: TestClient, db: Database, people: dict[str, int], fake_rasa: FakeRasa
) -> None:
    handoff_id = add_handoff(db, status="actief", adviseur_id=people["anouk"], claimed_at=utcnow())
    csrf = login(client, "bram@ibdo.nl")
    page = client.get(f"/handoffs/{handoff_id}").text
    assert "Versturen" not in page
    assert ">Overnemen<" not in page
    response = client.post(
        f"/handoffs/{handoff_id}/bericht",
        data={"tekst": "hoi"},
        headers={"X-CSRF-Token": csrf, "X-Requested-With": "fetch"},
    )
    assert response.status_code == 409
    client.post(f"/handoffs/{handoff_id}/terug", data={"csrf": csrf})
    assert get_handoff(db, handoff_id).status == "actief"
    assert fake_rasa.triggers == []


def test_second_claim_is_refused(
    client: TestClient, db: Database, people: dict[str, int], fake_rasa: FakeRasa
) -> None:
    handoff_id = add_handoff(db, status="actief", adviseur_id=people["anouk"], claimed_at=utcnow())
    csrf = login(client, "bram@ibdo.nl")
    response = client.post(f"/handoffs/{handoff_id}/overnemen", data={"csrf": csrf})
    assert "al overgenomen" in response.text
    assert get_handoff(db, handoff_id).adviseur_id == people["anouk"]
    assert fake_rasa.triggers == []


def test_hand_back_to_the_bot(
    client: TestClient, db: Database, people: dict[str, int], fake_rasa: FakeRasa
) -> None:
    handoff_id = add_handoff(db, conversation_id="conv-1")
    csrf = login(client, "anouk@ibdo.nl")
    claim(client, csrf, handoff_id)
    response = client.post(f"/handoffs/{handoff_id}/terug", data={"csrf": csrf})
    assert "Het gesprek is terug bij de bot." in response.text
    handoff = get_handoff(db, handoff_id)
    assert (handoff.status, handoff.afsluiting, handoff.uitkomst) == (
        "afgerond",
        "terug_naar_bot",
        None,
    )
    assert fake_rasa.intents() == ["adviseur_overname", "adviseur_terug"]
    # Closed: no more actions.
    again = client.post(
        f"/handoffs/{handoff_id}/afronden", data={"csrf": csrf, "uitkomst": "geen_vervolg"}
    )
    assert "al gesloten" in again.text
    assert len(fake_rasa.triggers) == 2


def test_rasa_error_leaves_state_unchanged(
    client: TestClient, db: Database, people: dict[str, int], fake_rasa: FakeRasa
) -> None:
    handoff_id = add_handoff(db, conversation_id="conv-1")
    csrf = login(client, "anouk@ibdo.nl")
    fake_rasa.fail_status = 500
    response = client.post(f"/handoffs/{handoff_id}/overnemen", data={"csrf": csrf})
    assert NIET_AFGELEVERD in response.text
    assert get_handoff(db, handoff_id).status == "aangevraagd"
    fake_rasa.fail_status = None
    claim(client, csrf, handoff_id)
    fake_rasa.fail_status = 503
    reply = client.post(
        f"/handoffs/{handoff_id}/bericht",
        data={"tekst": "hoi"},
        headers={"X-CSRF-Token": csrf, "X-Requested-With": "fetch"},
    )
    assert reply.status_code == 502
    assert reply.json()["fout"] == NIET_AFGELEVERD
    for action, data in (("terug", {}), ("afronden", {"uitkomst": "doorverwezen"})):
        response = client.post(f"/handoffs/{handoff_id}/{action}", data={"csrf": csrf, **data})
        assert NIET_AFGELEVERD in response.text
        assert get_handoff(db, handoff_id).status == "actief"


def test_notes(client: TestClient, db: Database, people: dict[str, int]) -> None:
    handoff_id = add_handoff(db)
    csrf = login(client, "anouk@ibdo.nl")
    response = client.post(
        f"/handoffs/{handoff_id}/notities",
        data={"csrf": csrf, "tekst": "Belt morgen terug."},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert (
        client.post(
            f"/handoffs/{handoff_id}/notities", data={"csrf": csrf, "tekst": "  "}
        ).status_code
        == 200
    )
    with db.session() as session:
        notes = session.scalars(select(Notitie)).all()
        assert [(n.tekst, n.adviseur_id) for n in notes] == [
            ("Belt morgen terug.", people["anouk"])
        ]
    page = client.get(f"/handoffs/{handoff_id}").text
    assert "Belt morgen terug." in page
    assert "Anouk" in page


def test_contact_erased_is_shown(client: TestClient, db: Database, people: dict[str, int]) -> None:
    handoff_id = add_handoff(db, contact_gewist_at=utcnow())
    login(client, "anouk@ibdo.nl")
    assert "gewist" in client.get(f"/handoffs/{handoff_id}").text


def test_wachttijd() -> None:
    start = at("2026-01-05T09:00:00+00:00")
    assert wachttijd(start, at("2026-01-05T09:00:59+00:00")) == "0 min"
    assert wachttijd(start, at("2026-01-05T09:12:00+00:00")) == "12 min"
    assert wachttijd(start, at("2026-01-05T10:05:00+00:00")) == "1 u 5 min"
    assert wachttijd(start, at("2026-01-05T11:00:00+00:00")) == "2 u"
    assert wachttijd(start, at("2026-01-07T10:00:00+00:00")) == "2 d"
