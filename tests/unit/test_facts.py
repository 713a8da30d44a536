"""Slots to firm facts and back; never a guess."""

import pytest

from bot.firm.facts import firm_from_slots, headcount_in_passing, location_slots
from bot.firm.location import gazetteer
from bot.loket.routing import Firm


@pytest.mark.parametrize(
    ("slots", "firm"),
    [
        (("Emmen", "Drenthe", 5), Firm("Emmen", "Drenthe", 5)),
        (("Emmen", None, 5.0), Firm("Emmen", "Drenthe", 5)),
        (("we zitten in Emmen", "Drenthe", "vijf"), Firm(None, "Drenthe", None)),
        ((None, "Holland", 0), Firm(None, None, None)),
        ((None, None, True), Firm(None, None, None)),
    ],
)
def test_firm_from_slots_reads_only_valid_values(slots, firm):
    assert firm_from_slots(*slots) == firm


def test_location_slots():
    places = gazetteer()
    assert location_slots(places.locate("Beilen")) == {"gemeente": "Midden-Drenthe", "provincie": "Drenthe"}
    assert location_slots(places.locate("in Friesland")) == {"gemeente": None, "provincie": "Fryslân"}
    assert location_slots(places.locate("Hengelo")) == {}
    assert location_slots(places.locate("geen idee")) == {}


@pytest.mark.parametrize(
    ("text", "count"),
    [("Emmen, met 6 man", 6), ("7811 AB Emmen, 12 medewerkers", 12), ("Emmen", None), ("Hoofdstraat 12, Emmen", None)],
)
def test_headcount_in_passing_needs_a_word_for_people(text, count):
    assert headcount_in_passing(text) == count
