from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.scan.answers import (
    AnswerMapper,
    Example,
    Thresholds,
    correction_letter,
    correction_text,
    explicit_letter,
    read_examples,
    training_files,
)
from bot.scan.content import get_content
from bot.text import normalise

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "letter"),
    [
        ("A", "A"), ("c", "C"), ("C.", "C"), ("optie d", "D"), ("Antwoord B", "B"), ("ik kies e", "E"),
        ("ik denk f", "F"), ("3", "C"), ("nummer 6", "F"), ("de derde", "C"), ("de eerste optie", "A"),
        ("de laatste", "F"), ("doe maar B", "B"), ("b denk ik", "B"), ("antwoord nummer 2", "B"),
        ("  D  ", "D"), ("ik ga voor a", "A"),
    ],
)  # fmt: skip
def test_explicit_letter_understands_choices(text, letter):
    assert explicit_letter(text) == letter


@pytest.mark.parametrize(
    "text",
    [
        "we doen alles op papier",
        "a la carte",
        "g",
        "7",
        "0",
        "e-mail en whatsapp",
        "een paar programma's",
        "",
        "2 tot 4",
    ],
)
def test_explicit_letter_ignores_free_text(text):
    assert explicit_letter(text) is None


def test_every_explicit_choice_in_the_nlu_data_is_understood():
    doc = yaml.safe_load((ROOT / "data" / "nlu" / "scan_choices.yml").read_text(encoding="utf-8"))
    examples = [line[2:] for block in doc["nlu"] for line in block["examples"].splitlines() if line.strip()]
    assert examples
    assert [e for e in examples if explicit_letter(e) is None] == []


@pytest.mark.parametrize(
    ("text", "letter"),
    [
        ("nee, bij de vorige vraag bedoelde ik C", "C"),
        ("de vorige moest B zijn", "B"),
        ("oeps, bij vraag 3 bedoelde ik eigenlijk d", "D"),
        ("vorige antwoord moet 5 zijn", "E"),
        ("terug", None),
        ("ik wil terug naar de vorige vraag", None),
        ("bij de vorige bedoelde ik b of c", None),
    ],
)
def test_correction_letter(text, letter):
    assert correction_letter(text) == letter


def test_correction_text_takes_the_answer_after_the_lead():
    assert correction_text("nee bij de vorige bedoelde ik dat alles op papier gaat") == "dat alles op papier gaat"
    assert correction_text("terug") is None


def test_normalise_strips_accents_case_and_punctuation():
    assert normalise("  Één  Café, AI-tools!! ") == "een cafe ai tools"


def test_read_examples_reads_metadata_blocks_and_skips_others(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: inform\n  metadata:\n    scan_vraag: tools\n    scan_antwoord: B\n  examples: |\n"
        "    - alleen excel\n    - boekhouding en word\n"
        "- intent: greet\n  examples: |\n    - hoi\n",
        encoding="utf-8",
    )
    assert read_examples([path]) == [
        Example("tools", "B", "alleen excel"),
        Example("tools", "B", "boekhouding en word"),
    ]


def test_read_examples_refuses_an_invalid_letter(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text(
        "nlu:\n- intent: inform\n  metadata:\n    scan_vraag: tools\n    scan_antwoord: G\n  examples: |\n    - x\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="x.yml.*'G'"):
        read_examples([path])


def test_every_question_has_training_answers_for_every_letter():
    examples = read_examples(training_files())
    content = get_content()
    for question in content.questions:
        for letter in question.options:
            n = sum(1 for e in examples if e.question == question.id and e.letter == letter)
            assert n >= 30, (question.id, letter, n)


def bag_of_words_encoder(texts):
    """A tiny deterministic encoder for unit tests of the mapper's mechanics."""
    vocab = ["papier", "excel", "koppeling", "automatisch", "omzet", "los"]
    out = np.array([[float(w in normalise(t)) for w in vocab] + [1.0] for t in texts])
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_mapper_rejects_examples_for_unknown_questions():
    with pytest.raises(ValueError, match="kassa"):
        AnswerMapper(get_content(), [Example("kassa", "A", "x")], bag_of_words_encoder)


def test_mapper_is_unsure_between_two_and_offers_the_two_most_likely():
    content = get_content()
    examples = [Example("tools", "A", "alles op papier")] * 5 + [Example("tools", "B", "excel en papier")] * 5
    mapper = AnswerMapper(content, examples, bag_of_words_encoder, Thresholds(min_probability=0.9, min_margin=0.5))
    decision = mapper.decide("tools", "papier")
    assert decision.letter is None
    assert set(decision.candidates[:2]) == {"A", "B"}
    assert decision.probabilities[0] >= decision.probabilities[1]


def test_mapper_uses_the_question_context():
    content = get_content()
    mapper = AnswerMapper(
        content,
        [Example("tools", "A", "alles op papier")] * 5 + [Example("data", "F", "alles op papier")] * 5,
        bag_of_words_encoder,
    )
    assert mapper.decide("tools", "alles op papier").best == "A"
    assert mapper.decide("data", "alles op papier").best == "F"


def test_real_mapper_flags_text_that_is_no_answer_to_the_question():
    from bot.scan.answers import default_mapper

    decision = default_mapper().decide("tools", "wat is de hoofdstad van Frankrijk")
    assert decision.off_topic and decision.letter is None
    decision = default_mapper().decide("tools", "we doen bijna alles nog op papier")
    assert not decision.off_topic and decision.letter == "A"
