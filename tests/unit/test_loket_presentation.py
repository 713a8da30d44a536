"""Buttons and typed choices for the loket step."""

import json

import pytest

from bot.firm.location import gazetteer
from bot.loket.presentation import loket_buttons, loket_from_text, municipality_buttons
from bot.loket.registry import get_registry

OVERIJSSEL = tuple(get_registry().loket(x) for x in ("novel_t", "kennispoort", "ondernemershuis_stedendriehoek"))


def test_municipality_buttons_name_place_municipality_and_province():
    buttons = municipality_buttons(gazetteer().locate("Hengelo"))
    titles = [b["title"] for b in buttons]
    assert "Hengelo (gem. Bronckhorst, Gelderland)" in titles
    assert "Hengelo (gem. Hengelo (O.), Overijssel)" in titles
    codes = {json.loads(b["payload"].removeprefix("/inform_location"))["gemeentecode"] for b in buttons}
    assert {"GM0164", "GM1876"} <= codes


def test_loket_buttons_carry_the_loket_id():
    assert loket_buttons(OVERIJSSEL)[0] == {"title": "Novel-T", "payload": '/inform{"loket_keuze": "novel_t"}'}


@pytest.mark.parametrize(
    ("text", "loket"),
    [
        ("1", "novel_t"), ("3", "ondernemershuis_stedendriehoek"), ("novel-t", "novel_t"),
        ("Kennispoort", "kennispoort"),
        ("die van zwolle", "kennispoort"), ("stedendriehoek", "ondernemershuis_stedendriehoek"), ("4", None),
        ("weet ik niet", None), ("", None),
    ],
)  # fmt: skip
def test_a_typed_choice(text, loket):
    assert loket_from_text(text, OVERIJSSEL) == loket
