"""The chat widget on the demo page, in Chromium, against the real bot."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import DroppableProxy, Servers

LAUNCHER = "Chat met Digiwijzer"
RESULT = re.compile("Je bedrijf zit (in de fase|tussen de fases)")  # a tie: "… tussen de fases X en Y in"
expect.set_options(timeout=30_000)  # the bot answers in well under a second; the first answers may take longer


def open_widget(page: Any) -> None:
    page.get_by_role("button", name=LAUNCHER).click()
    expect(page.get_by_role("dialog", name="Digiwijzer")).to_be_visible()


def bot(page: Any, text: str) -> Any:
    """Bot messages containing `text` (the widget's shadow DOM is pierced by Playwright's CSS locators)."""
    return page.locator(".dw-bot", has_text=text)


def reply(page: Any, title_start: str) -> Any:
    return page.locator(".dw-replies button", has_text=re.compile("^" + re.escape(title_start)))


def start_scan(page: Any) -> None:
    open_widget(page)
    expect(bot(page, "Ik ben Digiwijzer")).to_have_count(1)  # the bot's intro on first open
    reply(page, "Ja, start de scan").click()
    expect(bot(page, "Vraag 1 van 7")).to_have_count(1)


def send(page: Any, text: str) -> None:
    box = page.get_by_role("textbox", name="Je bericht")
    box.fill(text)
    box.press("Enter")


def session_id(page: Any) -> str:
    return json.loads(page.evaluate("localStorage.getItem('digiwijzer:session')"))


def active(page: Any) -> dict:
    """The focused element inside the widget (or the page), with what makes its focus visible."""
    return page.evaluate(
        """() => {
            let el = document.activeElement;
            while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
            const style = getComputedStyle(el);
            return {tag: el.tagName, text: (el.textContent || "").trim(), cls: el.className || "",
                    label: el.getAttribute("aria-label") || "", outline: style.outlineStyle,
                    outlineWidth: style.outlineWidth};
        }"""
    )


CONTRAST = """(selectors) => {
    const root = document.querySelector('#digiwijzer-widget').shadowRoot;
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92
        : Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    const background = (el) => {
        for (let node = el; node; node = node.parentElement || (node.getRootNode().host)) {
            const c = rgb(getComputedStyle(node).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
        }
        return [255, 255, 255];
    };
    const out = {};
    for (const selector of selectors) {
        const el = root.querySelector(selector);
        if (!el) { out[selector] = null; continue; }
        const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
        out[selector] = Math.round(100 * (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) / 100;
    }
    return out;
}"""


def contrast(page: Any, selectors: list[str]) -> dict:
    """WCAG contrast ratio of each element's text against its (first opaque) background."""
    return page.evaluate(CONTRAST, selectors)


def test_scan_by_buttons_reaches_the_result(open_page: Any) -> None:
    page = open_page()
    expect(page).to_have_title(re.compile("Provincie Voorbeeld"))
    start_scan(page)
    letters = "ABCDCBA"
    for number, letter in enumerate(letters, start=1):
        expect(bot(page, f"Vraag {number} van 7")).to_have_count(1)
        button = reply(page, f"{letter}. ")
        title = button.inner_text()
        button.click()
        # the title shows as the user's message, the buttons go away
        expect(page.locator(".dw-user").last).to_have_text(re.compile(re.escape(title)))
    expect(bot(page, RESULT)).to_have_count(1)
    expect(bot(page, "dit is een indicatie")).to_have_count(1)
    expect(page.get_by_role("log")).to_contain_text("Waar zit je bedrijf?")


def test_scan_by_typing_reaches_the_result(open_page: Any) -> None:
    page = open_page()
    start_scan(page)
    send(page, "we werken vooral op papier")
    expect(bot(page, "Ik noteer: A.")).to_have_count(1)
    expect(bot(page, "Vraag 2 van 7")).to_have_count(1)
    for number, answer in zip(range(3, 9), ["b", "C", "2", "d", "optie B", "c"]):
        send(page, answer)
        if number <= 7:
            expect(bot(page, f"Vraag {number} van 7")).to_have_count(1)
    expect(bot(page, RESULT)).to_have_count(1)
    # the typing indicator is gone once the bot has answered
    expect(page.locator(".dw-typing")).to_be_hidden()


def test_reload_mid_scan_keeps_the_conversation(open_page: Any, servers: Servers) -> None:
    page = open_page()
    start_scan(page)
    reply(page, "B. ").click()
    expect(bot(page, "Vraag 2 van 7")).to_have_count(1)
    reply(page, "C. ").click()
    expect(bot(page, "Vraag 3 van 7")).to_have_count(1)
    before = session_id(page)

    page.reload()
    # the widget was open: it opens again with the history and the open question's buttons
    expect(page.get_by_role("dialog", name="Digiwijzer")).to_be_visible()
    expect(bot(page, "Vraag 3 van 7")).to_have_count(1)
    expect(page.locator(".dw-user")).to_have_count(3)
    assert session_id(page) == before
    reply(page, "D. ").click()
    expect(bot(page, "Vraag 4 van 7")).to_have_count(1)
    expect(bot(page, "Ik ben Digiwijzer")).to_have_count(1)  # no second intro

    slots = servers.tracker(before)["slots"]
    assert (slots["scan_tools"], slots["scan_data"], slots["scan_processen"]) == ("B", "C", "D")


def test_keyboard_only(open_page: Any) -> None:
    page = open_page()
    for _ in range(30):
        page.keyboard.press("Tab")
        if active(page)["text"].startswith(LAUNCHER):
            break
    focused = active(page)
    assert focused["text"].startswith(LAUNCHER), focused
    assert focused["outline"] != "none" and focused["outlineWidth"] != "0px", focused  # focus is visible

    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Digiwijzer")).to_be_visible()
    assert active(page)["tag"] == "INPUT"
    expect(reply(page, "Ja, start de scan")).to_have_count(1)
    page.keyboard.type("start de scan")
    page.keyboard.press("Enter")
    expect(bot(page, "Vraag 1 van 7")).to_have_count(1)

    for _ in range(12):  # back from the input into the answer buttons
        page.keyboard.press("Shift+Tab")
        if active(page)["text"].startswith("A. "):
            break
    focused = active(page)
    assert focused["tag"] == "BUTTON" and focused["text"].startswith("A. "), focused
    assert focused["outline"] != "none", focused
    page.keyboard.press("Enter")
    expect(bot(page, "Vraag 2 van 7")).to_have_count(1)
    assert active(page)["tag"] == "INPUT"  # after a button, focus goes back to the input

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Digiwijzer")).to_be_hidden()
    assert active(page)["text"].startswith(LAUNCHER)  # focus returns to the launcher


def test_usable_at_320_px_and_at_200_percent_zoom(open_page: Any) -> None:
    # 320 CSS px wide (WCAG reflow), and 1280x720 at 200% zoom = 640x360 CSS px
    for size in ({"width": 320, "height": 640}, {"width": 640, "height": 360}):
        page = open_page(viewport=size)
        start_scan(page)
        panel = page.locator(".dw-panel").bounding_box()
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= size["width"], (size, panel)
        scroll = page.evaluate(
            "() => { const log = document.querySelector('#digiwijzer-widget').shadowRoot.querySelector('.dw-log');"
            " return [log.scrollWidth, log.clientWidth]; }"
        )
        assert scroll[0] <= scroll[1], f"horizontal scrolling in the chat at {size}: {scroll}"
        for button in page.locator(".dw-replies button").all():
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (size, box)
        reply(page, "F. ").click()  # the longest option, wrapped
        expect(bot(page, "Vraag 2 van 7")).to_have_count(1)
        send(page, "b")
        expect(bot(page, "Vraag 3 van 7")).to_have_count(1)
        expect(page.get_by_role("textbox", name="Je bericht")).to_be_in_viewport()


def test_adviser_message_appears_live_and_styled(open_page: Any, servers: Servers) -> None:
    page = open_page()
    start_scan(page)
    sender = session_id(page)
    servers.trigger(sender, "adviseur_bericht", {"adviseur": "Sanne", "bericht": "Hallo, ik ben Sanne"})
    adviser = page.locator(".dw-adviser", has_text="Hallo, ik ben Sanne")
    expect(adviser).to_have_count(1)
    expect(adviser.locator(".dw-who")).to_have_text("Sanne (adviseur)")
    colours = page.evaluate(
        "() => { const root = document.querySelector('#digiwijzer-widget').shadowRoot;"
        " return [...root.querySelectorAll('.dw-adviser, .dw-bot')].map("
        " el => el.className + '|' + getComputedStyle(el).backgroundColor + '|' + getComputedStyle(el).borderStyle); }"
    )
    adviser_style = {c.split("|", 1)[1] for c in colours if "dw-adviser" in c}
    bot_style = {c.split("|", 1)[1] for c in colours if "dw-bot" in c}
    assert adviser_style and not adviser_style & bot_style, colours
    ratios = contrast(
        page,
        [".dw-header h2", ".dw-header button", ".dw-intro", ".dw-intro a", ".dw-bot", ".dw-user",
         ".dw-adviser", ".dw-adviser .dw-who", ".dw-replies button", ".dw-form input", ".dw-form button"],
    )  # fmt: skip
    assert all(ratio is not None and ratio >= 4.5 for ratio in ratios.values()), ratios

    # links in the adviser's (or bot's) text: only http(s), opened safely
    servers.trigger(
        sender,
        "adviseur_bericht",
        {"adviseur": "Sanne", "bericht": "Kijk op https://example.org/hulp?x=1. Niet op javascript:alert(1)"},
    )
    link = page.locator(".dw-adviser a")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", "https://example.org/hulp?x=1")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")


def test_typed_script_is_shown_as_text(open_page: Any) -> None:
    page = open_page()
    open_widget(page)
    expect(bot(page, "Ik ben Digiwijzer")).to_have_count(1)
    evil = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
    send(page, evil)
    expect(page.locator(".dw-user").last).to_contain_text(evil)
    expect(page.locator(".dw-bot")).to_have_count(3)  # intro, question, and an answer to the odd message
    assert page.evaluate("window.__xss") is None
    assert page.locator(".dw-user img, .dw-user script").count() == 0


def test_accessibility_basics(open_page: Any) -> None:
    page = open_page()
    assert page.evaluate("document.documentElement.lang") == "nl"
    open_widget(page)
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("textbox", name="Je bericht")).to_be_focused()
    privacy = page.get_by_role("link", name=re.compile("Hoe we met je gegevens omgaan"))
    expect(privacy).to_have_attribute("href", re.compile(r"/privacy\.html$"))
    expect(privacy).to_have_attribute("rel", "noopener noreferrer")
    statement = page.context.new_page()
    statement.goto(privacy.get_attribute("href"))
    expect(statement.get_by_role("heading", level=1)).to_have_text("Privacyverklaring Digiwijzer")
    assert statement.evaluate("document.documentElement.lang") == "nl"
    statement.close()
    expect(page.locator(".dw")).to_have_attribute("lang", "nl")
    page.keyboard.press("Escape")
    assert contrast(page, [".dw-launcher"])[".dw-launcher"] >= 4.5


def test_reconnects_after_a_dropped_connection(open_page: Any, proxy: DroppableProxy) -> None:
    page = open_page(server=proxy.url)
    start_scan(page)
    status = page.get_by_role("status")

    proxy.drop()
    expect(status).to_have_text("Verbinding kwijt, ik probeer het opnieuw…")
    assert contrast(page, [".dw-status"])[".dw-status"] >= 4.5
    send(page, "b")  # typed while offline: kept and sent once the connection is back
    expect(page.locator(".dw-user").last).to_have_text(re.compile("b$"))
    page.wait_for_timeout(1500)
    expect(bot(page, "Vraag 2 van 7")).to_have_count(0)

    proxy.restore()
    expect(status).to_have_text("")
    expect(bot(page, "Vraag 2 van 7")).to_have_count(1)
    reply(page, "C. ").click()
    expect(bot(page, "Vraag 3 van 7")).to_have_count(1)
