import pytest

from bot.firm.location import gazetteer, typo_distance


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


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("we zijn een winkel in Assen", "Assen"),  # "winkel" is also a place: not without a cue
        ("vestiging Putten", "Putten"),  # "putten" is also a Dutch word: with a cue it is a place
        ("Leiden", "Leiden"),  # a whole answer that is a name
        ("Hengelo ov", "Hengelo (O.)"),  # a shared name with a province abbreviation
        ("Bergen in Noord-Holland", "Bergen (NH.)"),
        ("Scheveningen", "'s-Gravenhage"),  # a district without a BAG woonplaats
        ("driebergen", "Utrechtse Heuvelrug"),  # first part of Driebergen-Rijsenburg
        ("zwole", "Zwolle"),  # one edit in a short answer
        ("wij zitten in utrect", "Utrecht"),  # a typo of a name that is also a province: the municipality
        ("de friese meren", "De Fryske Marren"),
    ],
)
def test_context_rules(text, municipality):
    location = gazetteer().locate(text)
    assert location.municipality is not None and location.municipality.name == municipality


@pytest.mark.parametrize(
    "text",
    [
        "liever niet zeggen",  # one edit from Diever, but a Dutch word
        "we zitten in Hasselt, in België",
        "ik woon in Duitsland, in Keulen",
        "we hebben een winkel",
    ],
)
def test_no_guess_from_words_or_places_abroad(text):
    assert not gazetteer().locate(text).found


def test_provincie_before_a_name_means_the_province():
    location = gazetteer().locate("provincie Utrecht")
    assert location.municipalities == () and location.province == "Utrecht"
    assert gazetteer().locate("Utrecht").municipality is not None


def test_within_narrows_a_shared_name_to_a_known_province():
    location = gazetteer().locate("Bergen").within("Limburg")
    assert location.municipality is not None and location.municipality.name == "Bergen (L.)"


@pytest.mark.parametrize(("a", "b", "distance"), [("hoogeeven", "hoogeveen", 1), ("zwole", "zwolle", 1), ("a", "b", 1)])
def test_typo_distance_counts_a_swap_as_one_edit(a, b, distance):
    assert typo_distance(a, b) == distance
