"""Every row of the routing table (issue 3), first match wins, and waiting instead of guessing."""

import pytest

from bot.loket.registry import get_registry
from bot.loket.routing import Firm, needs_municipality, route_firm


def routed(municipality, province, employees):
    routing = route_firm(get_registry(), Firm(municipality, province, employees))
    assert routing is not None
    return routing.route.id, [loket.id for loket in routing.lokets]


@pytest.mark.parametrize(
    ("municipality", "province", "employees", "route", "lokets"),
    [
        # 250 or more people: not mkb, whatever the region.
        ("Emmen", "Drenthe", 250, "groot", ["kvk"]),
        ("'s-Gravenhage", "Zuid-Holland", 1000, "groot", ["kvk"]),
        (None, "Overijssel", 300, "groot", ["kvk"]),
        # Haaglanden, 2-50 people: the AI Werklab; outside those sizes the KVK.
        ("'s-Gravenhage", "Zuid-Holland", 2, "haaglanden", ["ai_werklab"]),
        ("Rijswijk (ZH.)", "Zuid-Holland", 50, "haaglanden", ["ai_werklab"]),
        ("Westland", "Zuid-Holland", 12, "haaglanden", ["ai_werklab"]),
        ("Zoetermeer", "Zuid-Holland", 30, "haaglanden", ["ai_werklab"]),
        ("Delft", "Zuid-Holland", 1, "overig", ["kvk"]),
        ("Delft", "Zuid-Holland", 51, "overig", ["kvk"]),
        ("Rotterdam", "Zuid-Holland", 10, "overig", ["kvk"]),
        # Drenthe: 2 or more people IBDO, a zzp'er the KVK.
        ("Emmen", "Drenthe", 2, "drenthe", ["ibdo"]),
        ("Midden-Drenthe", "Drenthe", 249, "drenthe", ["ibdo"]),
        (None, "Drenthe", 5, "drenthe", ["ibdo"]),
        ("Assen", "Drenthe", 1, "drenthe_zzp", ["kvk"]),
        # Groningen, Fryslân, Flevoland: their own desks, any mkb size.
        ("Groningen", "Groningen", 1, "groningen", ["grobusiness"]),
        ("Het Hogeland", "Groningen", 120, "groningen", ["grobusiness"]),
        ("Súdwest-Fryslân", "Fryslân", 8, "fryslan", ["ynbusiness"]),
        (None, "Fryslân", 8, "fryslan", ["ynbusiness"]),
        ("Almere", "Flevoland", 4, "flevoland", ["mkb_schakelteam"]),
        ("Urk", "Flevoland", 1, "flevoland", ["mkb_schakelteam"]),
        # Utrecht and the Amsterdam region (incl. Gooi en Vechtstreek): MKB Digital Workspace.
        ("Utrecht", "Utrecht", 6, "utrecht", ["mkb_digital_workspace"]),
        ("Amersfoort", "Utrecht", 60, "utrecht", ["mkb_digital_workspace"]),
        ("Amsterdam", "Noord-Holland", 3, "mra", ["mkb_digital_workspace"]),
        ("Hilversum", "Noord-Holland", 3, "mra", ["mkb_digital_workspace"]),
        ("Gooise Meren", "Noord-Holland", 3, "mra", ["mkb_digital_workspace"]),
        ("Laren (NH.)", "Noord-Holland", 3, "mra", ["mkb_digital_workspace"]),
        ("Wijdemeren", "Noord-Holland", 3, "mra", ["mkb_digital_workspace"]),
        ("Haarlemmermeer", "Noord-Holland", 3, "mra", ["mkb_digital_workspace"]),
        ("Den Helder", "Noord-Holland", 3, "overig", ["kvk"]),
        # Overijssel: Twente to Novel-T, Regio Zwolle to Kennispoort, Deventer to the Ondernemershuis.
        ("Enschede", "Overijssel", 10, "overijssel", ["novel_t"]),
        ("Hengelo (O.)", "Overijssel", 10, "overijssel", ["novel_t"]),
        ("Zwolle", "Overijssel", 10, "overijssel", ["kennispoort"]),
        ("Deventer", "Overijssel", 10, "overijssel", ["ondernemershuis_stedendriehoek"]),
        # ... and a choice where the region is not certain.
        ("Olst-Wijhe", "Overijssel", 10, "overijssel", ["kennispoort", "ondernemershuis_stedendriehoek"]),
        (None, "Overijssel", 10, "overijssel", ["novel_t", "kennispoort", "ondernemershuis_stedendriehoek"]),
        # Anywhere else: the KVK.
        ("Arnhem", "Gelderland", 10, "overig", ["kvk"]),
        ("Maastricht", "Limburg", 1, "overig", ["kvk"]),
        ("Middelburg", "Zeeland", 40, "overig", ["kvk"]),
        ("Eindhoven", "Noord-Brabant", 249, "overig", ["kvk"]),
    ],
)
def test_every_row_of_the_routing_table(municipality, province, employees, route, lokets):
    assert routed(municipality, province, employees) == (route, lokets)


def test_every_overijssel_municipality_has_a_desk_or_a_choice():
    registry = get_registry()
    for name, province in registry.provinces_of.items():
        if province == "Overijssel":
            routing = route_firm(registry, Firm(name, province, 10))
            assert routing is not None and routing.route.id == "overijssel" and routing.lokets


@pytest.mark.parametrize(
    ("province", "employees", "decided"),
    [("Zuid-Holland", 10, False), ("Noord-Holland", 10, False), ("Zuid-Holland", 100, True), ("Zuid-Holland", 1, True)],
)
def test_province_alone_waits_when_the_municipality_decides(province, employees, decided):
    assert (route_firm(get_registry(), Firm(None, province, employees)) is not None) == decided


def test_the_size_must_be_known_before_routing():
    assert route_firm(get_registry(), Firm("Emmen", "Drenthe", None)) is None


@pytest.mark.parametrize(
    ("province", "employees", "needed"),
    [
        ("Drenthe", None, False), ("Groningen", None, False), ("Overijssel", None, False), ("Utrecht", None, False),
        ("Gelderland", None, False), ("Zuid-Holland", None, True), ("Noord-Holland", None, True),
        ("Zuid-Holland", 300, False), ("Zuid-Holland", 60, False), ("Zuid-Holland", 10, True),
        ("Noord-Holland", 1, True),
    ],
)  # fmt: skip
def test_needs_municipality(province, employees, needed):
    assert needs_municipality(get_registry(), province, employees) == needed
