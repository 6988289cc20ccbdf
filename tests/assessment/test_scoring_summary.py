"""A level's one-line summary for the phone's scoring step: pure, no database."""

from assessment.text import level_summary


def test_it_keeps_a_short_first_sentence_whole():
    assert level_summary("Leaders meet only for formal business. Nothing else.") == (
        "Leaders meet only for formal business."
    )


def test_it_does_not_end_a_sentence_at_an_abbreviation():
    text = "Partners pool budgets, e.g. Better Care Fund money. More follows."
    assert level_summary(text) == "Partners pool budgets, e.g. Better Care Fund money."


def test_it_cuts_a_long_sentence_at_its_last_clause_that_fits():
    text = (
        "A new form holds accountability and financial risk for the population: Torbay's "
        "decisions on care packages fell from six weeks to two hours, and more besides."
    )
    assert level_summary(text) == (
        "A new form holds accountability and financial risk for the population…"
    )


def test_it_cuts_a_long_clause_between_words():
    text = "word " * 40
    summary = level_summary(text)
    assert summary.endswith("word…") and len(summary) <= 86
