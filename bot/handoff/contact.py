"""Contact details for a call-back: a Dutch phone number or an e-mail address.

`read_contact` finds either in free text ("bel me op 06-12345678", "mail naar
jan@bakkerij.nl") and normalises it; anything else is None, so the bot asks again.
`read_preference` maps an answer to "chat" (go on in this chat) or "terugbellen"
(call or mail me).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import strip_accents

CHAT = "chat"
TERUGBELLEN = "terugbellen"

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Digits with the separators people type: "06-12345678", "+31 6 1234 5678", "(050) 123 45 67".
_PHONE = re.compile(r"(?:\+|00)?[\d][\d\s().-]{7,}\d")


@dataclass(frozen=True)
class Contact:
    """A validated contact detail: `soort` is "telefoon" or "email"."""

    soort: str
    waarde: str


def normalise_phone(raw: str) -> str | None:
    """A Dutch phone number as ten digits starting with 0 ("0612345678"), or None.

    Accepts +31 / 0031 prefixes, mobile (06) and landline numbers; refuses numbers of
    the wrong length and service numbers (0800/0900) that an adviser cannot call back on.
    """
    digits = re.sub(r"[\s().-]", "", raw)
    if digits.startswith("+31"):
        digits = "0" + digits[3:]
    elif digits.startswith("0031"):
        digits = "0" + digits[4:]
    digits = re.sub(r"^0\(?0\)?", "0", digits) if digits.startswith("00") else digits
    if not re.fullmatch(r"0[1-9]\d{8}", digits) or digits.startswith(("0800", "0900", "0906", "0909")):
        return None
    return digits


def read_contact(text: str) -> Contact | None:
    """The e-mail address or Dutch phone number in `text`, or None when there is none (or it is invalid)."""
    email = _EMAIL.search(text)
    if email:
        return Contact("email", email.group(0).lower())
    for candidate in _PHONE.findall(text):
        phone = normalise_phone(candidate)
        if phone:
            return Contact("telefoon", phone)
    return None


def looks_like_contact_attempt(text: str) -> bool:
    """True when the text seems meant as a phone number or e-mail (so an invalid one gets a specific answer)."""
    return "@" in text or len(re.sub(r"\D", "", text)) >= 6


_CHAT_WORDS = re.compile(
    r"\b(?:chat|chatten|hier|typen|schrijven|appen|deze chat|verder in|meteen|nu|online|gewoon hier)\b"
)
_CALL_WORDS = re.compile(
    r"\b(?:bel|bellen|terugbellen|bel me|bel mij|telefoon|telefonisch|mail|mailen|e-?mail|email|"
    r"terug(?:bellen|mailen)?|later|nummer)\b"
)


def read_preference(text: str) -> str | None:
    """Chat or call-back ("chat"/"terugbellen") from a free answer; None when it says neither or both."""
    folded = strip_accents(text.lower())
    chat, call = bool(_CHAT_WORDS.search(folded)), bool(_CALL_WORDS.search(folded))
    if read_contact(text) is not None:
        return TERUGBELLEN
    if chat != call:
        return CHAT if chat else TERUGBELLEN
    return None


_NO_NAME = re.compile(
    r"^(?:nee|neen|nope|liever niet|niet nodig|hoeft niet|geen naam|sla over|overslaan|anoniem|zeg ik liever niet|"
    r"-|n\.?v\.?t\.?)\b"
)


def read_name(text: str) -> str | None:
    """The first name the entrepreneur gives ("Ik ben Anna" → "Anna"), "" when they skip it, None when unclear."""
    cleaned = text.strip().strip(".!")
    folded = strip_accents(cleaned.lower())
    if _NO_NAME.match(folded):
        return ""
    match = re.match(
        r"^(?:(?:ik ben|ik heet|mijn naam is|noem me maar|noem me|dit is|je spreekt met|met)\s+)?"
        r"([A-Za-zÀ-ÿ'-]{2,30}(?:\s+[A-Za-zÀ-ÿ'-]{1,30}){0,3})$",
        cleaned,
        flags=re.IGNORECASE,
    )
    if not match:
        return None
    name = match.group(1)
    if len(name.split()) > 4 or any(ch.isdigit() for ch in name):
        return None
    return " ".join(part[:1].upper() + part[1:] for part in name.split())
