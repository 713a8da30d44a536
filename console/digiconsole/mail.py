"""E-mail to the advisers of a loket when a new request arrives (only when SMTP_HOST is set).

The mail holds no personal data of the entrepreneur: only that there is a request, for
which loket, and the link to it in the console.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from .settings import Settings

log = logging.getLogger(__name__)


def build_message(
    settings: Settings, recipients: list[str], handoff_id: int, loket_naam: str
) -> EmailMessage:
    """Compose the notification (plain Dutch text)."""
    message = EmailMessage()
    message["Subject"] = f"Nieuwe aanvraag voor {loket_naam}"
    message["From"] = settings.smtp_from or ""
    message["To"] = settings.smtp_from or ""
    message["Bcc"] = ", ".join(recipients)
    message.set_content(
        "Hallo,\n\n"
        f"Er is een nieuwe aanvraag voor {loket_naam} in Digiwijzer.\n"
        f"Bekijk hem hier: {settings.public_url}/handoffs/{handoff_id}\n\n"
        "Deze mail is automatisch verstuurd.\n"
    )
    return message


def send_new_request(
    settings: Settings, recipients: list[str], handoff_id: int, loket_naam: str
) -> bool:
    """Send the notification; log and return False on any SMTP error (never raise).

    Blocking: call it from a worker thread.
    """
    if not settings.smtp_host or not recipients:
        return False
    message = build_message(settings, recipients, handoff_id, loket_naam)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_user and settings.smtp_password:
                smtp.starttls()
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("could not e-mail advisers about hand-off %s: %s", handoff_id, exc)
        return False
    return True
