"""Jinja2 templates with autoescaping always on, and the Dutch labels the pages use."""

from __future__ import annotations

from pathlib import Path

import jinja2
from starlette.templating import Jinja2Templates

HERE = Path(__file__).resolve().parent

STATUS = {"aangevraagd": "Wacht", "actief": "In gesprek", "afgerond": "Gesloten"}
VOORKEUR = {"chat": "Chat", "terugbellen": "Terugbellen"}
UITKOMST = {
    "doorverwezen": "Doorverwezen",
    "afspraak_gemaakt": "Afspraak gemaakt",
    "geen_vervolg": "Geen vervolg",
}
AFSLUITING = {
    "adviseur": "Afgerond door adviseur",
    "terug_naar_bot": "Terug naar de bot",
    "verlopen": "Verlopen: niemand nam op tijd over",
    "gebruiker": "Ingetrokken door de ondernemer",
}
WIE = {"ondernemer": "Ondernemer", "bot": "Bot", "adviseur": "Adviseur"}

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals.update(
    STATUS=STATUS, VOORKEUR=VOORKEUR, UITKOMST=UITKOMST, AFSLUITING=AFSLUITING, WIE=WIE
)
templates = Jinja2Templates(env=env)
