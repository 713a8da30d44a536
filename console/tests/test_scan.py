"""Reading zelfscan.yml, lokets.yml and the ready-made replies."""

from __future__ import annotations

from pathlib import Path

import pytest

from digiconsole.scan import DataFileError, load_lokets, load_scan, load_snelle_antwoorden
from digiconsole.settings import CONSOLE_DIR, REPO_ROOT


def test_the_real_scan_file() -> None:
    scan = load_scan(REPO_ROOT / "bot/scan/zelfscan.yml")
    assert len(scan.vragen) == 7
    assert scan.vraag_ids == {
        "tools",
        "data",
        "processen",
        "vaardigheden",
        "veiligheid",
        "ai",
        "strategie",
    }
    assert scan.fase_naam("funderen") == "Funderen"
    topics = scan.onderwerpen({"tools": "C", "ai": "A"}, ["ai"])
    assert topics[0].titel == "Digitale tools, systemen en online kanalen"
    assert topics[0].antwoord == "We gebruiken meerdere systemen, maar die werken nog weinig samen"
    assert topics[0].focus is False
    ai = next(t for t in topics if t.titel.startswith("Inzet van AI"))
    assert (ai.letter, ai.antwoord, ai.focus) == ("A", "We doen nog niets met AI", True)
    assert topics[1].antwoord is None
    assert scan.titel("data") == "Data & sturing"


def test_the_real_lokets_file() -> None:
    lokets = load_lokets(REPO_ROOT / "bot/loket/lokets.yml")
    assert lokets["ibdo"] == "Ik Ben Drents Ondernemer (IBDO)"
    assert lokets["kvk"].startswith("KVK")
    assert "grobusiness" in lokets


def test_snelle_antwoorden() -> None:
    replies = load_snelle_antwoorden(CONSOLE_DIR / "snelle_antwoorden.yml")
    assert "Dank je! Ik bekijk je scan even." in replies


@pytest.mark.parametrize(
    ("loader", "text"),
    [
        (load_scan, "vragen: 3"),
        (load_scan, "vragen:\n  - {id: x}"),
        (load_lokets, "lokets:\n  - {id: x}"),
        (load_snelle_antwoorden, "antwoorden: ['', 'a']"),
        (load_lokets, ": : :"),
    ],
)
def test_bad_files(tmp_path: Path, loader: object, text: str) -> None:
    path = tmp_path / "f.yml"
    path.write_text(text)
    with pytest.raises(DataFileError):
        loader(path)  # type: ignore[operator]
