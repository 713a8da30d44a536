import pytest

from bot.firm.size import parse_headcount, word_to_number


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("12", 12), ("twaalf", 12), ("we zijn met z'n vijven", 5), ("ongeveer 30 fte", 30),
        ("twee tot vier mensen", 3), ("alleen ikzelf, ik ben zzp'er", 1), ("ik en vier monteurs", 5),
        ("3 man en een stagiair", 3), ("we zijn met 5 mensen en 2 stagiairs", 5), ("vijfentwintig", 25),
        ("tussen de 10 en 20", 15), ("2-4", 3), ("mijn vrouw en ik", 2), ("ik en mijn compagnon", 2),
        ("ikzelf en 2 man personeel", 3), ("honderd man", 100), ("we hebben 250 medewerkers", 250),
        ("ongeveer tweehonderd", 200), ("in ons bedrijf sinds 1998 met 8 man", 8), ("een stuk of 6", 6),
        ("zzp", 1), ("eenmanszaak", 1), ("ik werk alleen", 1), ("met z'n tweeen", 2),
        ("we zijn met ons drieën", 3), ("tweeëntwintig medewerkers", 22), ("een man of 40", 40),
        ("8 vaste mensen en 2 stagiaires", 8), ("alleen ik", 1), ("we zijn met zijn achten", 8),
        ("3 fte", 3), ("ik en 3 anderen", 4), ("ik + 2", 3),
    ],
)  # fmt: skip
def test_headcount_from_free_dutch(text, count):
    assert parse_headcount(text) == count


@pytest.mark.parametrize("text", ["geen idee", "een paar", "weet ik niet precies", "", "we groeien hard"])
def test_no_headcount_is_no_guess(text):
    assert parse_headcount(text) is None


@pytest.mark.parametrize(
    ("word", "value"),
    [("vijf", 5), ("één", 1), ("negentien", 19), ("eenendertig", 31), ("driehonderd", 300), ("x", None)],
)
def test_word_to_number(word, value):
    assert word_to_number(word) == value


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("8 vaste krachten en 4 oproepkrachten", 12), ("twee vennoten en vijf man personeel", 7),
        ("ik, mijn vader en een monteur", 3), ("naast mij nog 3 mensen", 4), ("3 fte plus ikzelf", 4),
        ("3 vestigingen, in totaal 48 mensen", 48), ("20 mensen inclusief 4 stagiairs", 16),
        ("10 mensen waarvan 6 parttime", 10), ("vorig jaar 12, dit jaar 17", 17), ("15 fte maar 20 mensen", 20),
        ("al 25 jaar een familiebedrijf met 6 mensen", 6), ("24/7 bereikbaar, we zijn met 16", 16),
        ("ik en een stagiair", 1), ("één, ikzelf", 1), ("ik ben een eenpitter", 1), ("driehonderdvijftig", 350),
        ("de eigenaar en 3 kappers", 4),
    ],
)  # fmt: skip
def test_groups_totals_and_time(text, count):
    assert parse_headcount(text) == count
