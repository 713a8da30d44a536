"""A whole scan through the REST channel of the real servers."""

import uuid

import pytest

from bot.scan.content import get_content
from bot.scan.presentation import answer_payload
from tests.e2e.scan_script import EXPECTED_SCAN_ANSWERS

pytestmark = pytest.mark.e2e
CONTENT = get_content()


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def asks(messages: list[dict], number: int) -> bool:
    return f"Vraag {number} van 7" in texts(messages)


def test_whole_scan_with_buttons_free_text_and_interruptions(bot):
    sender = f"e2e-{uuid.uuid4().hex}"

    intro = bot.say(sender, "hallo")
    assert "digitale assistent" in texts(intro)
    assert "3 tot 5 minuten" in texts(intro)
    assert any(b["payload"] == "/start_scan" for m in intro for b in m.get("buttons", []))

    first = bot.say(sender, "/start_scan")
    assert asks(first, 1)
    assert [b["payload"] for b in first[-1]["buttons"]] == [answer_payload(x) for x in "ABCDEF"]

    # 1: free text
    reply = bot.say(sender, "we doen eigenlijk alles nog op papier")
    assert "Ik noteer: A." in texts(reply) and asks(reply, 2)
    # 2: a button
    assert asks(bot.say(sender, answer_payload("B")), 3)
    # interruption: a FAQ, then the same question again
    reply = bot.say(sender, "wat is AI eigenlijk?")
    assert "kunstmatige intelligentie" in texts(reply).lower() and asks(reply, 3)
    # 3: a typed letter
    assert asks(bot.say(sender, "c"), 4)
    # correct question 3 from question 4
    reply = bot.say(sender, "nee, bij de vorige vraag bedoelde ik B")
    assert "veranderd" in texts(reply) and asks(reply, 4)
    # 4: a number
    assert asks(bot.say(sender, "2"), 5)
    # 5-7: free text
    assert asks(bot.say(sender, "we maken back-ups en installeren updates, verder niet veel"), 6)
    assert asks(bot.say(sender, "nee, met AI doen we helemaal niets"), 7)
    result = bot.say(sender, "we hebben nog geen plannen voor digitalisering")
    result_text = texts(result)
    assert "Je bedrijf zit" in result_text
    assert "indicatie" in result_text
    assert "Waar zit je bedrijf?" in result_text  # the firm questions follow the result

    tracker = bot.tracker(sender)
    slots = tracker["slots"]
    assert {q.slot: slots[q.slot] for q in CONTENT.questions} == EXPECTED_SCAN_ANSWERS
    assert slots["fase"] == "starten"
    assert tracker["active_loop"]["name"] == "bedrijf_form"


def test_loket_after_the_scan_with_an_ambiguous_place_and_a_change_of_mind(bot):
    sender = "e2e-loket"
    bot.say(sender, "/start_scan")
    for letter in "CCCBCDC":
        reply = bot.say(sender, answer_payload(letter))
    assert "Waar zit je bedrijf?" in texts(reply)

    which = bot.say(sender, "we zitten in Hengelo")
    assert "meer plaatsen die Hengelo heten" in texts(which)
    payloads = [b["payload"] for m in which for b in m.get("buttons", [])]
    assert '/inform_location{"gemeentecode": "GM0164"}' in payloads

    size_question = bot.say(sender, '/inform_location{"gemeentecode": "GM0164"}')
    assert "Hengelo (O.)" in texts(size_question) and "Met hoeveel mensen" in texts(size_question)

    advice = bot.say(sender, "ik en vier monteurs")
    advice_text = texts(advice)
    assert "Ik noteer: 5" in advice_text
    assert "Jouw loket: Novel-T" in advice_text and "https://www.novelt.com" in advice_text
    assert "Over subsidies en regelingen in jouw regio kan Novel-T je adviseren." in advice_text
    assert [b["title"] for m in advice for b in m.get("buttons", [])] == ["Ja, breng me in contact", "Nee, dank je"]
    slots = bot.tracker(sender)["slots"]
    assert (slots["gemeente"], slots["provincie"], slots["aantal_medewerkers"], slots["loket"]) == (
        "Hengelo (O.)", "Overijssel", 5, "novel_t",
    )  # fmt: skip

    moved = texts(bot.say(sender, "we zitten eigenlijk in Emmen"))
    assert "Ik noteer: gemeente Emmen (Drenthe)." in moved
    assert "Jouw loket: Ik Ben Drents Ondernemer (IBDO)" in moved
    assert "IT Hub" in moved  # the Drenthe partner for the phase funderen
    assert "Subsidie Digitale en AI-gereedheid Mkb Drenthe" in moved
    assert bot.tracker(sender)["slots"]["loket"] == "ibdo"


def test_unknown_place_is_asked_again_and_nothing_is_stored(bot):
    sender = "e2e-onbekend"
    bot.say(sender, "welk loket past bij mij?")
    reply = texts(bot.say(sender, "we zitten in Antwerpen"))
    assert "Die plaats ken ik niet" in reply and "Waar zit je bedrijf?" in reply
    slots = bot.tracker(sender)["slots"]
    assert (slots["gemeente"], slots["provincie"]) == (None, None)
    reply = texts(bot.say(sender, "ergens in Overijssel"))
    assert "Ik noteer: provincie Overijssel." in reply and "Met hoeveel mensen" in reply
    choice = bot.say(sender, "12")
    assert [b["title"] for m in choice for b in m.get("buttons", [])] == [
        "Novel-T", "Kennispoort Regio Zwolle", "Ondernemershuis Stedendriehoek",
    ]  # fmt: skip
    advice = texts(bot.say(sender, '/inform{"loket_keuze": "kennispoort"}'))
    assert "Jouw loket: Kennispoort Regio Zwolle" in advice


def test_stop_keeps_answers_and_restart_clears_them(bot):
    sender = f"e2e-{uuid.uuid4().hex}"
    bot.say(sender, "/start_scan")
    bot.say(sender, answer_payload("D"))
    # something that is no answer at all is not stored: the same question comes back
    reply = bot.say(sender, "ik wil een pizza bestellen")
    assert "Ik noteer" not in texts(reply) and asks(reply, 2)
    assert bot.tracker(sender)["slots"]["scan_data"] is None
    bot.say(sender, answer_payload("E"))
    stopped = bot.say(sender, "ik wil stoppen")
    assert "stoppen" in texts(stopped)
    slots = bot.tracker(sender)["slots"]
    assert (slots["scan_tools"], slots["scan_data"]) == ("D", "E")

    resumed = bot.say(sender, "ik wil toch verder met de scan")
    assert asks(resumed, 3)
    again = bot.say(sender, "opnieuw")
    assert asks(again, 1)
    slots = bot.tracker(sender)["slots"]
    assert (slots["scan_tools"], slots["scan_data"]) == (None, None)
