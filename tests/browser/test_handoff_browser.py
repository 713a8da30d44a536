"""Hand-off in two real browsers: the entrepreneur in the web chat, the adviser in the console.

The entrepreneur asks for a person in the widget; the adviser logs in to the console,
sees the request in the inbox, opens it, claims it and replies; the entrepreneur sees the
reply live, marked as the adviser's, and the adviser sees the entrepreneur's answer live.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.test_widget import bot, open_widget, reply, send
from tests.console_stack import PASSWORD

expect.set_options(timeout=30_000)


def test_entrepreneur_asks_for_a_person_and_the_adviser_answers_in_the_chat(open_page: Any, browser: Any, servers: Any):
    chat = open_page()
    open_widget(chat)
    expect(bot(chat, "Ik ben Digiwijzer")).to_have_count(1)
    send(chat, "kan ik iemand spreken?")
    expect(bot(chat, "Hoe wil je verder met een adviseur?")).to_have_count(1)
    reply(chat, "Verder in deze chat").click()
    expect(bot(chat, "Hoe mag de adviseur je noemen?")).to_have_count(1)
    send(chat, "Anna")
    expect(bot(chat, "Mogen we je gegevens bewaren")).to_have_count(1)
    reply(chat, "Ja, dat mag").click()
    expect(bot(chat, "Ik heb je vraag doorgegeven")).to_have_count(1)

    context = browser.new_context(locale="nl-NL")
    context.set_default_timeout(30_000)
    console = context.new_page()
    try:
        console.goto(f"{servers.console_url}/login")
        console.fill("input[name=email]", "sanne@kvk.example")
        console.fill("input[name=password]", PASSWORD)
        console.locator("form button[type=submit]").click()
        row = console.locator("tr.status-aangevraagd").first
        expect(row).to_be_visible()
        row.get_by_role("link", name="Bekijken").click()
        expect(console.locator("#transcript")).to_contain_text("kan ik iemand spreken?")
        expect(console.locator("body")).to_contain_text("Anna")
        console.get_by_role("button", name="Overnemen").click()
        expect(bot(chat, "Je praat nu met Sanne")).to_have_count(1)

        console.fill("#antwoord-tekst", "Hoi Anna, ik ben Sanne. Waar kan ik je mee helpen?")
        console.get_by_role("button", name="Versturen").click()
        adviser = chat.locator(".dw-adviser", has_text="Hoi Anna, ik ben Sanne")
        expect(adviser).to_have_count(1)
        expect(adviser.locator(".dw-who")).to_have_text("Sanne (adviseur)")

        # The entrepreneur answers: the bot stays silent, the adviser sees it without reloading.
        bots_before = chat.locator(".dw-bot").count()
        send(chat, "Ik wil een webshop beginnen")
        expect(console.locator("#transcript")).to_contain_text("Ik wil een webshop beginnen")
        chat.wait_for_timeout(1000)
        assert chat.locator(".dw-bot").count() == bots_before

        console.get_by_role("button", name="Terug naar de bot").click()
        expect(bot(chat, re.compile("Je praat weer met Digiwijzer"))).to_have_count(1)
    finally:
        context.close()
