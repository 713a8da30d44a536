"""Text folding shared by the Dutch parsers (answers, headcount, location)."""

from __future__ import annotations

import re
import unicodedata


def strip_accents(text: str) -> str:
    """Lower-case, typographic apostrophe to ', accents removed ("Één café" → "een cafe")."""
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """`strip_accents`, then punctuation (except ') to spaces and whitespace squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s']", " ", strip_accents(text))).strip()
