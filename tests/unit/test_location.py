import pytest

from bot.firm.location import gazetteer


@pytest.mark.parametrize(
    ("text", "municipality", "province"),
    [
        ("Emmen", "Emmen", "Drenthe"),
        ("we zitten in Beilen", "Midden-Drenthe", "Drenthe"),
        ("Den Haag", "'s-Gravenhage", "Zuid-Holland"),
        ("Den Bosch", "'s-Hertogenbosch", "Noord-Brabant"),
        ("7811", "Emmen", "Drenthe"),
        ("9401 AB", "Assen", "Drenthe"),
        ("Hoogeeven", "Hoogeveen", "Drenthe"),
        ("werkplaats in Coevorden, vlak bij de grens", "Coevorden", "Drenthe"),
        ("we zitten in Zwolle", "Zwolle", "Overijssel"),
        ("Hengelo (O.)", "Hengelo (O.)", "Overijssel"),
        ("in Klazienaveen", "Emmen", "Drenthe"),
        ("Bussum", "Gooise Meren", "Noord-Holland"),
    ],
)
def test_municipality_from_free_text(text, municipality, province):
    location = gazetteer().locate(text)
    assert location.municipality is not None and location.municipality.name == municipality
    assert location.province == province


@pytest.mark.parametrize(("text", "province"), [("ergens in Drenthe", "Drenthe"), ("in friesland", "Fryslân")])
def test_province_only(text, province):
    location = gazetteer().locate(text)
    assert location.municipalities == () and location.province == province


@pytest.mark.parametrize(
    ("text", "names"),
    [("Hengelo", {"Hengelo (O.)", "Bronckhorst"}), ("Bergen", {"Bergen (L.)", "Bergen (NH.)"})],
)
def test_shared_names_give_all_candidates(text, names):
    location = gazetteer().locate(text)
    assert location.ambiguous and {m.name for m in location.municipalities} >= names
    assert location.municipality is None


@pytest.mark.parametrize(
    "text",
    ["geen idee", "we zijn een bakkerij", "ik weet het echt niet", "in het oosten van het land", "ik ben installateur"],
)
def test_no_place_is_no_guess(text):
    location = gazetteer().locate(text)
    assert location.municipalities == () and location.province is None
