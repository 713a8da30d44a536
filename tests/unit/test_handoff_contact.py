"""Contact details, preference, name and consent read from free Dutch answers."""

import pytest

from bot.handoff.consent import read_consent
from bot.handoff.contact import Contact, normalise_phone, read_contact, read_name, read_preference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06-12345678", Contact("telefoon", "0612345678")),
        ("bel me op 06 1234 5678", Contact("telefoon", "0612345678")),
        ("+31 6 12345678", Contact("telefoon", "0612345678")),
        ("0031612345678", Contact("telefoon", "0612345678")),
        ("(050) 123 45 67", Contact("telefoon", "0501234567")),
        ("mail maar naar Jan.de-Vries@Bakkerij.nl graag", Contact("email", "jan.de-vries@bakkerij.nl")),
        ("info@garage-emmen.co.uk", Contact("email", "info@garage-emmen.co.uk")),
    ],
)
def test_contact_details_are_found_and_normalised(text, expected):
    assert read_contact(text) == expected


@pytest.mark.parametrize(
    "text", ["0612345", "06123456789", "0800 1234567", "0900-1234567", "12345678", "jan@bakkerij", "bel me maar", ""]
)
def test_invalid_or_missing_details_are_refused(text):
    assert read_contact(text) is None


def test_phone_normalisation_keeps_only_dutch_numbers():
    assert normalise_phone("+31 (0)6 12345678") == "0612345678"  # the common "(0)" notation
    assert normalise_phone("+44 20 7946 0958") is None
    assert normalise_phone("0201234567") == "0201234567"


@pytest.mark.parametrize(
    ("text", "preference"),
    [
        ("hier in de chat", "chat"), ("verder in deze chat graag", "chat"), ("chat", "chat"),
        ("bel me maar", "terugbellen"), ("liever telefonisch", "terugbellen"), ("mail me", "terugbellen"),
        ("0612345678", "terugbellen"), ("weet ik niet", None), ("chat of bel, maakt niet uit", None),
    ],
)  # fmt: skip
def test_preference(text, preference):
    assert read_preference(text) == preference


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Anna", "Anna"), ("ik ben jan", "Jan"), ("Mijn naam is Fatma Yilmaz", "Fatma Yilmaz"),
        ("nee", ""), ("liever niet", ""), ("0612345678", None),
        ("ik wil eigenlijk eerst iets anders vragen over de scan", None),
    ],
)  # fmt: skip
def test_name_is_optional(text, name):
    assert read_name(text) == name


@pytest.mark.parametrize(
    ("text", "consent"),
    [("ja", True), ("Ja, dat mag", True), ("prima", True), ("nee", False), ("liever niet", False), ("hmm", None)],
)
def test_consent(text, consent):
    assert read_consent(text) is consent
