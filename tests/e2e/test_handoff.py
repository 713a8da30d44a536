"""Hand-off end to end: real Rasa and action servers, the console played by the test.

The test asks for a person mid-scan, answers the contact questions, and then does what
the console does through Rasa's HTTP API (claim, reply, hand back), checking what the
entrepreneur sees, what reaches the console, and that the scan is kept.
"""

import uuid


def texts(messages):
    return [m.get("text", "") for m in messages]


def test_ask_for_a_person_mid_scan_adviser_takes_over_and_hands_back(bot, console):
    sender = f"handoff-{uuid.uuid4().hex[:8]}"
    bot.say(sender, "/start_scan")
    bot.say(sender, "A")  # tools
    asked = bot.say(sender, "kan ik iemand spreken over een webshop?")
    assert any("Hoe wil je verder met een adviseur?" in t for t in texts(asked))
    assert bot.say(sender, "hier in de chat graag")[0]["text"].startswith("Hoe mag de adviseur je noemen?")
    consent = bot.say(sender, "Anna")
    assert "wissen ze na 30 dagen" in consent[0]["text"]
    done = bot.say(sender, "ja")
    # The request went out once, with the scan so far, and the scan goes on with question 2.
    assert any("Een adviseur neemt het gesprek hier in de chat over" in t for t in texts(done))
    assert "data" in texts(done)[-1].lower() or "gegevens" in texts(done)[-1].lower()
    mine = [r for r in console.requests if r["conversation_id"] == sender]
    assert len(mine) == 1
    assert (mine[0]["naam"], mine[0]["toestemming"], mine[0]["scan_antwoorden"]) == ("Anna", True, {"tools": "A"})
    assert mine[0]["vraag"] == "kan ik iemand spreken over een webshop?"

    claimed = bot.trigger(sender, "adviseur_overname", {"adviseur": "Sanne"})
    assert texts(claimed) == ["Je praat nu met Sanne, adviseur van KVK (Kamer van Koophandel)."]
    # While the adviser has the conversation the bot says nothing; the message reaches the console.
    assert bot.say(sender, "B, maar ik heb eigenlijk een vraag over subsidie") == []
    assert bot.say(sender, "stop") == []
    handoff_id = str(console.requests.index(mine[0]) + 1)
    assert console.messages[-2:] == [
        (handoff_id, "B, maar ik heb eigenlijk een vraag over subsidie"),
        (handoff_id, "stop"),
    ]
    reply = bot.trigger(sender, "adviseur_bericht", {"adviseur": "Sanne", "bericht": "Daar help ik je graag mee!"})
    assert texts(reply) == ["Daar help ik je graag mee!"]

    back = bot.trigger(sender, "adviseur_terug")
    assert texts(back)[0].startswith("De adviseur heeft het gesprek teruggegeven.")
    tracker = bot.tracker(sender)
    slots = tracker["slots"]
    assert slots["handoff_status"] == "afgerond"
    assert slots["scan_tools"] == "A" and slots["scan_data"] is None  # the adviser chat did not answer the scan
    assert tracker["active_loop"]["name"] == "zelfscan_form"
    adviser_lines = [e for e in tracker["events"] if e["event"] == "bot" and e.get("metadata", {}).get("adviseur")]
    assert [e["text"] for e in adviser_lines] == ["Daar help ik je graag mee!"]
    # The bot answers again: the scan continues where it was.
    assert bot.say(sender, "B")
    assert bot.tracker(sender)["slots"]["scan_data"] == "B"


def test_call_back_without_consent_stores_nothing(bot, console):
    sender = f"handoff-{uuid.uuid4().hex[:8]}"
    bot.say(sender, "bel me maar terug")
    bot.say(sender, "bel me")
    bot.say(sender, "nee")  # no name
    invalid = bot.say(sender, "06-1234")
    assert "klopt niet helemaal" in invalid[0]["text"]
    bot.say(sender, "0612345678")
    refused = bot.say(sender, "nee")
    assert "bewaar ik niets van je gegevens" in refused[0]["text"]
    assert [r for r in console.requests if r["conversation_id"] == sender] == []
    slots = bot.tracker(sender)["slots"]
    assert slots["contact_gegeven"] is None and slots["handoff_status"] is None


def test_delete_my_data(bot, console):
    sender = f"handoff-{uuid.uuid4().hex[:8]}"
    answer = bot.say(sender, "verwijder mijn gegevens")
    assert "gewist" in answer[0]["text"]
    assert sender in console.deleted
