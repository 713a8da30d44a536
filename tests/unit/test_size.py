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


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("150 fte, ongeveer 180 mensen", 180), ("negen fte, verdeeld over 13 mensen", 13),
        ("in fte's zo'n 30, in koppen 42", 42), ("sinds 2020 gegroeid van drie naar 11 mensen", 11),
        ("een tweemansbedrijf", 2), ("een vijfkoppig team", 5), ("een tiental", 10), ("twee, drie man", 3),
        ("ik heb vier collega's", 5), ("zonder mij zijn het er zeven", 8), ("mijn ouders, mijn zus en ik", 4),
        ("met de stagiair erbij zijn we met zeven", 6), ("we zijn met z'n achten, inclusief de stagiair", 7),
        ("ikke", 1), ("gewoon ikzelf", 1), ("alleen ondergetekende", 1), ("ik ben 58 en werk alleen", 1),
        ("ik ben in 2019 begonnen en heb nu 5 man in dienst", 6),
        ("we maken 40 keukens per jaar met 8 man", 8), ("ons kantoor is 300 m2 en we zitten er met 17 mensen", 17),
        ("we zitten in 1012 AB amsterdam met 8 man op kantoor", 8), ("sinds 1 januari zijn we met 10", 10),
        ("2 tandartsen, 4 assistentes en 1 mondhygienist, 3 behandelkamers", 7), ("3 op kantoor en 11 buiten", 14),
        ("wij zijn met 20 mensen inclusief mijn man en mij", 20), ("we hebben 2 vestigingen met elk 8 mensen", 16),
        ("wij met z'n tweeën en nog 1 zaterdaghulp", 3), ("ik ben de eigenaar en heb 30 mensen in dienst", 31),
        ("mijn broer en ik runnen het samen met 6 man personeel", 8), ("ik, mijn zoon en een knecht", 3),
        ("eigenaar + 7 werknemers", 8), ("ik heb 2 parttimers en een zaterdagmeisje", 4),
        ("vast het hele jaar 4, in het seizoen komen er 10 bij", 4), ("begonnen met z'n tweeën, inmiddels 11", 11),
        ("circa 75 medewerkers excl stagiairs", 75), ("we draaien 1,2 miljoen omzet met 7 mensen", 7),
        ("postcode 8901, we zijn met 4", 4), ("klein kantoor, kvk 12345678, 2 personen", 2),
        ("Opgericht 2009, 3 vestigingen, 74 medewerkers", 74), ("ik ben het hele bedrijf", 1),
        ("bouwbedrijf, 18 man op de steiger en 4 op kantoor, ik ben 1 van die 4", 22),
        ("fysiotherapie, ik ben één van de 6 behandelaren, plus 2 baliemedewerkers", 8), ("ikke en me maat", 2),
    ],
)  # fmt: skip
def test_phrasings_from_fresh_sets(text, count):
    assert parse_headcount(text) == count


@pytest.mark.parametrize(
    "text",
    ["we zijn open van 9 tot 18 uur", "we zijn open van 9 tot 17:30", "5611 AZ Eindhoven", "06-12345678 bel me maar",
     "ik ben 47", "onze omzet is ongeveer 800.000"],
)  # fmt: skip
def test_numbers_that_are_not_people(text):
    assert parse_headcount(text) is None
