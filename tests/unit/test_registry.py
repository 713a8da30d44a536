"""The loket registry: the real file loads, and every kind of mistake is named."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.loket.registry import REGISTRY_PATH, RegistryError, get_registry, load_registry, parse_registry
from bot.scan.content import get_content

MUNICIPALITIES = {"Emmen": "Drenthe", "Assen": "Drenthe", "Groningen": "Groningen", "Zwolle": "Overijssel"}
PHASES = {p.id for p in get_content().phases}
SUBSIDIES = {s.id for s in get_content().subsidies}


def minimal() -> dict[str, Any]:
    return {
        "lokets": [
            {"id": "kvk", "naam": "KVK", "beschrijving": "Landelijk loket.", "website": "https://www.kvk.nl"},
            {"id": "ibdo", "naam": "IBDO", "beschrijving": "Drenthe.", "website": None, "min_medewerkers": 2,
             "partners": {"starten": "IBDO"}, "subsidies": ["adviesvoucher"], "indicatief": True,
             "controleren": "website"},
        ],
        "routes": [
            {"id": "drenthe", "loket": "ibdo", "provincies": ["Drenthe"], "min_medewerkers": 2},
            {"id": "overig", "loket": "kvk"},
        ],
        "regionale_programmas": {"Groningen": ["NOM"]},
    }  # fmt: skip


def parse(doc: Any):
    return parse_registry(doc, Path("lokets.yml"), MUNICIPALITIES, PHASES, SUBSIDIES)


def test_the_real_registry_loads_with_every_loket_of_the_routing_table():
    registry = get_registry()
    assert set(registry.lokets) >= {
        "kvk", "ai_werklab", "ibdo", "grobusiness", "ynbusiness", "mkb_digital_workspace", "mkb_schakelteam",
        "novel_t", "kennispoort", "ondernemershuis_stedendriehoek",
    }  # fmt: skip
    assert [r.id for r in registry.routes][0] == "groot" and registry.routes[-1].catch_all


def test_drenthe_partners_cover_every_phase_and_subsidies_come_from_the_scan_content():
    ibdo = get_registry().loket("ibdo")
    assert set(ibdo.partners) == PHASES
    assert set(ibdo.subsidies) == SUBSIDIES


def test_indicative_entries_say_what_to_check():
    for loket in get_registry().lokets.values():
        assert not loket.indicative or loket.to_check


def test_a_minimal_valid_registry_parses():
    registry = parse(minimal())
    assert registry.loket("ibdo").min_employees == 2 and registry.loket("ibdo").website is None
    assert registry.route("drenthe").provinces == frozenset({"Drenthe"})
    assert registry.regional_programmes == {"Groningen": ("NOM",)}


def broken(change) -> dict[str, Any]:
    doc = minimal()
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["lokets"][1].pop("naam"), "loket 'ibdo', field 'naam': must be a non-empty text"),
        (lambda d: d["lokets"][1].update(website="www.x.nl"), "loket 'ibdo', field 'website'"),
        (lambda d: d["lokets"][1].update(min_medewerkers=0), "loket 'ibdo', field 'min_medewerkers'"),
        (lambda d: d["lokets"][1].update(max_medewerkers=1), "loket 'ibdo', field 'min_medewerkers': 2 is more"),
        (lambda d: d["lokets"][1].update(partners={"vliegen": "x"}), "unknown phase 'vliegen'"),
        (lambda d: d["lokets"][1].update(subsidies=["gratis_geld"]), "loket 'ibdo', field 'subsidies'"),
        (lambda d: d["lokets"][1].pop("controleren"), "loket 'ibdo', field 'controleren'"),
        (lambda d: d["lokets"][1].update(webste="x"), "loket 'ibdo': unknown field(s) webste"),
        (lambda d: d["lokets"][1].update(id="kvk"), "loket 'kvk': the id is used twice"),
        (lambda d: d["lokets"][1].update(id="IBDO"), "lokets[1], field 'id': 'IBDO' must be lower-case"),
        (lambda d: d["routes"][0].update(loket="ibdoo"), "route 'drenthe', field 'loket': unknown loket 'ibdoo'"),
        (lambda d: d["routes"][0].update(provincies=["Drente"]), "'Drente' is not a province"),
        (lambda d: d["routes"][0].update(gemeenten=["Emen"]), "'Emen' is not an official municipality name"),
        (lambda d: d["routes"].pop(), "route 'drenthe': the last route must have no conditions"),
        (lambda d: d["routes"].insert(0, {"id": "alles", "loket": "kvk"}), "route 'alles': only the last route"),
        (lambda d: d["routes"][0].update(per_gemeente={"kvk": ["Emmen"]}), "has both 'loket' and 'per_gemeente'"),
        (lambda d: d.update(regionale_programmas={"Holland": ["x"]}), "regionale_programmas 'Holland'"),
        (lambda d: d.pop("lokets"), "lokets: must be a non-empty list"),
    ],
)
def test_mistakes_name_the_entry_and_field(change, message):
    with pytest.raises(RegistryError, match="lokets.yml: .*") as error:
        parse(broken(change))
    assert message in str(error.value)


def test_a_split_route_needs_a_choice_of_two():
    def change(d):
        d["routes"][0] = {
            "id": "ov",
            "provincies": ["Overijssel"],
            "per_gemeente": {"kvk": ["Zwolle"]},
            "keuze": ["kvk"],
        }

    with pytest.raises(RegistryError, match="route 'ov', field 'keuze': a choice needs at least two lokets"):
        parse(broken(change))


def test_missing_file_and_bad_yaml_name_the_file(tmp_path):
    with pytest.raises(RegistryError, match="nope.yml: file not found"):
        load_registry(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("lokets: [\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="bad.yml: not valid YAML"):
        load_registry(bad)


def test_the_real_file_round_trips_through_the_loader(tmp_path):
    copy = tmp_path / "lokets.yml"
    copy.write_text(yaml.safe_dump(yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))), encoding="utf-8")
    assert load_registry(copy).routes == get_registry().routes
