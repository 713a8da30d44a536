from pathlib import Path

import pytest
import yaml

from bot.scan.content import CONTENT_PATH, LETTERS, ContentError, load_content

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "002_87d7730f5463ae12.txt"


def test_content_has_the_seven_questions_in_seed_order():
    content = load_content()
    assert [q.slot for q in content.questions] == [
        "scan_tools", "scan_data", "scan_processen", "scan_vaardigheden",
        "scan_veiligheid", "scan_ai", "scan_strategie",
    ]  # fmt: skip
    assert [q.number for q in content.questions] == list(range(1, 8))
    assert all(set(q.options) == set(LETTERS) for q in content.questions)


def test_phases_map_letters_to_the_ladder():
    content = load_content()
    assert {p.letter: p.id for p in content.phases} == {
        "A": "orienteren", "B": "starten", "C": "funderen",
        "D": "optimaliseren", "E": "innoveren", "F": "transformeren",
    }  # fmt: skip


@pytest.mark.skipif(not SEED.exists(), reason="shared seeds not beside the repository")
def test_option_and_advice_texts_are_taken_from_the_seed():
    seed = " ".join(SEED.read_text(encoding="utf-8").split())
    content = load_content()
    for question in content.questions:
        assert question.title in seed
        for option in question.options.values():
            assert option in seed, option
        for band, advice in question.next_steps.items():
            assert advice.rstrip(".").lower() in seed.lower(), (question.id, band)
    for phase in content.phases:
        assert f"{phase.name}\t{phase.meaning}" in SEED.read_text(encoding="utf-8") or phase.meaning in seed


def write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "zelfscan.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def raw() -> dict:
    return yaml.safe_load(CONTENT_PATH.read_text(encoding="utf-8"))


def test_missing_option_names_file_and_field(tmp_path, raw):
    del raw["vragen"][2]["opties"]["D"]
    path = write(tmp_path, raw)
    with pytest.raises(ContentError, match=r"zelfscan\.yml: field 'vragen\[2\]\.opties'"):
        load_content(path)


def test_too_long_short_title_is_refused(tmp_path, raw):
    raw["vragen"][0]["kort_opties"]["A"] = "x" * 25
    with pytest.raises(ContentError, match=r"vragen\[0\]\.kort_opties\.A.*at most 24"):
        load_content(write(tmp_path, raw))


def test_subsidy_with_unknown_phase_is_refused(tmp_path, raw):
    raw["subsidies"][0]["fases"] = ["orienteren", "zweven"]
    with pytest.raises(ContentError, match=r"subsidies\[0\]\.fases.*zweven"):
        load_content(write(tmp_path, raw))


def test_phases_out_of_order_are_refused(tmp_path, raw):
    raw["fases"][0], raw["fases"][1] = raw["fases"][1], raw["fases"][0]
    with pytest.raises(ContentError, match="fases"):
        load_content(write(tmp_path, raw))


def test_duplicate_question_id_is_refused(tmp_path, raw):
    raw["vragen"][1]["id"] = "tools"
    with pytest.raises(ContentError, match=r"vragen\[1\]\.id"):
        load_content(write(tmp_path, raw))


def test_missing_file_and_bad_yaml_give_clear_errors(tmp_path):
    with pytest.raises(ContentError, match="cannot read"):
        load_content(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("vragen: [unclosed", encoding="utf-8")
    with pytest.raises(ContentError, match="not valid YAML"):
        load_content(bad)
