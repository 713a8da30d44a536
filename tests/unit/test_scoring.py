import pytest

from bot.scan.content import get_content
from bot.scan.scoring import IncompleteScan, score, tied_letters

CONTENT = get_content()
IDS = [q.id for q in CONTENT.questions]


def answers(letters: str) -> dict[str, str]:
    assert len(letters) == len(IDS)
    return dict(zip(IDS, letters))


@pytest.mark.parametrize(
    ("letters", "phase"),
    [
        ("AAAAAAA", "orienteren"),
        ("BBBBBBB", "starten"),
        ("CCCCCCC", "funderen"),
        ("DDDDDDD", "optimaliseren"),
        ("EEEEEEE", "innoveren"),
        ("FFFFFFF", "transformeren"),
    ],
)
def test_all_same_answers_give_that_phase(letters, phase):
    result = score(CONTENT, answers(letters))
    assert result.phase.id == phase
    assert result.between == ()


def test_phase_is_the_letter_chosen_most_often():
    result = score(CONTENT, answers("ACCDCEB"))
    assert result.phase.id == "funderen"
    assert result.counts == {"A": 1, "C": 3, "D": 1, "E": 1, "B": 1}
    assert result.between == ()


def test_tie_takes_the_lowest_letter_and_says_between():
    result = score(CONTENT, answers("DDDBBBF"))
    assert result.phase.id == "starten"
    assert [p.id for p in result.between] == ["starten", "optimaliseren"]


def test_three_way_tie_lists_all_tied_phases_lowest_first():
    result = score(CONTENT, answers("EECCAAF"))
    assert result.phase.id == "orienteren"
    assert [p.id for p in result.between] == ["orienteren", "funderen", "innoveren"]


def test_tie_order_does_not_depend_on_question_order():
    assert tied_letters(answers("FFFAAAB")) == ("A", "F")
    assert tied_letters(answers("AAAFFFB")) == ("A", "F")


def test_focus_topics_are_the_questions_with_the_lowest_letter():
    result = score(CONTENT, answers("CBDBCCD"))
    assert result.focus_letter == "B"
    assert [q.id for q in result.focus] == ["data", "vaardigheden"]


def test_focus_is_capped_and_keeps_scan_order():
    result = score(CONTENT, answers("CCCCCCC"))
    assert len(result.focus) == CONTENT.max_focus
    assert [q.id for q in result.focus] == IDS[: CONTENT.max_focus]


def test_single_lowest_question_is_the_only_focus():
    result = score(CONTENT, answers("EEEEAEE"))
    assert [q.id for q in result.focus] == ["veiligheid"]
    assert result.phase.id == "innoveren"


@pytest.mark.parametrize(
    ("letter", "subsidy"),
    [("A", "adviesvoucher"), ("B", "adviesvoucher"), ("C", "digitale_ai_gereedheid"),
     ("D", "digitale_ai_gereedheid"), ("E", "efro_mit"), ("F", "efro_mit")],
)  # fmt: skip
def test_subsidy_per_phase(letter, subsidy):
    result = score(CONTENT, answers(letter * 7))
    assert result.subsidy is not None and result.subsidy.id == subsidy


def test_incomplete_or_invalid_answers_are_refused():
    partial = answers("AAAAAAA")
    del partial["ai"]
    with pytest.raises(IncompleteScan, match="ai"):
        score(CONTENT, partial)
    with pytest.raises(IncompleteScan, match="tools"):
        score(CONTENT, {**answers("AAAAAAA"), "tools": "G"})
