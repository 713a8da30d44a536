"""Reading a yes or no to the consent question from free text or a button."""

from __future__ import annotations

import re

from bot.text import strip_accents

_YES = re.compile(
    r"^(?:ja|jazeker|jawel|ja hoor|prima|goed|oke|ok|okay|akkoord|dat mag|mag|is goed|zeker|yes|yep|graag)\b"
)
_NO = re.compile(r"^(?:nee|neen|nope|liever niet|niet|no|geen toestemming|dat wil ik niet|mag niet|niet akkoord)\b")


def read_consent(text: str) -> bool | None:
    """True for yes, False for no, None when the answer says neither."""
    folded = strip_accents(text.strip().lower())
    if _NO.match(folded):
        return False
    if _YES.match(folded):
        return True
    return None
