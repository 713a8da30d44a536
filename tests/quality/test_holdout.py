"""NLU quality gates on the held-out split (tests/nlu_holdout/, never trained on)."""

import pytest

from bot.scan.answers import default_mapper, holdout_files, read_examples
from bot.scan.content import get_content

pytestmark = pytest.mark.quality
MIN_MAPPING_ACCURACY = 0.85


def mapping_accuracy() -> dict[str, tuple[int, int]]:
    """Correct and total held-out answers per question (top-1 letter of the mapper)."""
    examples = read_examples(holdout_files())
    mapper = default_mapper()
    scores = {}
    for question in get_content().questions:
        mine = [e for e in examples if e.question == question.id]
        ranked = mapper.rank(question.id, [e.text for e in mine])
        scores[question.id] = (sum(r[0][0] == e.letter for e, r in zip(mine, ranked)), len(mine))
    return scores


def test_holdout_has_answers_for_every_question_and_letter():
    examples = read_examples(holdout_files())
    for question in get_content().questions:
        letters = {e.letter for e in examples if e.question == question.id}
        assert letters == set("ABCDEF"), question.id


def test_no_held_out_answer_is_in_the_training_data():
    from bot.scan.answers import training_files

    train = {(e.question, e.text.lower()) for e in read_examples(training_files())}
    held = {(e.question, e.text.lower()) for e in read_examples(holdout_files())}
    assert train & held == set()


def test_answer_mapping_accuracy_on_the_held_out_split():
    scores = mapping_accuracy()
    correct = sum(c for c, _ in scores.values())
    total = sum(n for _, n in scores.values())
    report = ", ".join(f"{q} {c / n:.1%}" for q, (c, n) in scores.items())
    print(f"\nanswer mapping on held-out: {correct}/{total} = {correct / total:.1%} ({report})")
    assert correct / total >= MIN_MAPPING_ACCURACY, report
