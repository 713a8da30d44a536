"""WhatsApp's 24-hour customer-service window.

After 24 hours without a message from the user, WhatsApp (Cloud API) only allows
template messages; a free-text reply from the adviser would be refused. The console
shows that the window has closed and does not offer a reply that cannot arrive.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .rasa import Regel

WHATSAPP = "whatsapp"
VENSTER = timedelta(hours=24)
VENSTER_DICHT = (
    "Het WhatsApp-venster is gesloten: de ondernemer heeft al meer dan 24 uur niets gestuurd. "
    "WhatsApp laat dan alleen sjabloonberichten toe, dus een antwoord hier komt niet aan. "
    "Bel of mail de ondernemer als je contactgegevens hebt, of wacht tot die zelf weer iets stuurt."
)


def venster_gesloten(channel: str | None, regels: list[Regel] | None, nu: datetime) -> bool:
    """True when this is a WhatsApp conversation whose last user message is over 24 hours old.

    Args:
        channel: the hand-off's channel.
        regels: the transcript (None when Rasa could not be reached: then nothing is claimed).
        nu: the current time (aware UTC).
    """
    if channel != WHATSAPP or regels is None:
        return False
    laatste = max((r.tijd for r in regels if r.wie == "ondernemer"), default=None)
    return laatste is None or nu - laatste > VENSTER
