"""Loose values of papers, read in one place (graphmodel/values.py): dates, frequencies and risk scores."""
from __future__ import annotations

import datetime as dt

import pytest

from graphmodel.models import node_from_dict
from graphmodel.values import (
    date_note,
    frequency_note,
    impossible_date,
    impossible_dates_in,
    parse_date,
    parse_frequency,
    parse_score,
)

D = dt.date


@pytest.mark.parametrize(("text", "date"), [
    ("30.09.24", D(2024, 9, 30)), ("31.08.2024", D(2024, 8, 31)), ("31.3.24", D(2024, 3, 31)),
    ("30-09-2024", D(2024, 9, 30)), ("End Sept 2024", D(2024, 9, 30)), ("end of September 2024", D(2024, 9, 30)),
    ("by 30 June 2024", D(2024, 6, 30)), ("Aug ’24", D(2024, 8, 31)), ("Sept 24", D(2024, 9, 30)),
    ("w/c 24/6/13", D(2013, 6, 30)), ("Q3 2024/25", D(2024, 12, 31)), ("Q4 24/25", D(2025, 3, 31)),
    ("Q1 2024-25", D(2024, 6, 30)), ("Q1 2024", D(2024, 3, 31)), ("By end Q3 2024/25", D(2024, 12, 31)),
    ("30/06/2013", D(2013, 6, 30)), ("Jun-13", D(2013, 6, 30)), ("30th June 2013", D(2013, 6, 30)),
])
def test_dates_papers_write(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["Ongoing", "End of Q2", "Q4", "2024/25", "Spring 2025", "TBC", "Immediate"])
def test_text_that_names_no_single_day_is_not_a_date(text):
    assert parse_date(text) is None and not impossible_date(text)


def test_quarters_and_weeks_say_how_they_were_read():
    assert "last day" in str(date_note("Q3 2024/25")) and "April" in str(date_note("Q3 2024/25"))
    assert "last day of that week" in str(date_note("w/c 24/6/13"))
    assert date_note("30/09/2024") is None and date_note("Sep-24") is None


def test_impossible_dates_in_every_form():
    for text in ("31/09/2024", "29/02/2025", "31.09.24", "2024-02-30", "31st September 2024", "w/c 31/13/24"):
        assert impossible_date(text), text
    assert parse_date("29/02/2024") == D(2024, 2, 29)
    assert impossible_dates_in("Due 31/09/2024, revised to 29/02/2025; 28/02/2025 is fine; section 3.13.24") == [
        "31/09/2024", "29/02/2025"]


@pytest.mark.parametrize(("text", "word"), [
    ("Four times a year", "quarterly"), ("at least 4 times a year", "quarterly"), ("Twice yearly", "biannual"),
    ("6 monthly", "biannual"), ("3 monthly", "quarterly"), ("Every 8 weeks", "bi-monthly"),
    ("Five times a year", "5 per annum"), ("Six-weekly", "8 per annum"), ("every 2 weeks", "fortnightly"),
    ("once a year", "annual"), ("10 per annum", "10 per annum"), ("bi-weekly", "fortnightly"),
    ("As and when required", "adhoc"), ("when asked", None), ("0 times a year", None),
])
def test_frequencies_papers_write(text, word):
    assert parse_frequency(text) == word


def test_an_ambiguous_frequency_says_so():
    assert "twice a week" in str(frequency_note("Bi-weekly"))
    assert frequency_note("Fortnightly") is None and frequency_note("bi-monthly") is None


@pytest.mark.parametrize(("text", "read"), [
    ("16", (16, None, None)), ("4 x 4 = 16", (16, 4, 4)), ("L4 x I4", (16, 4, 4)), ("16 (L4 x I4)", (16, 4, 4)),
    ("3 × 3 = 9", (9, 3, 3)), ("12 – High", (12, None, None)), ("High", (None, None, None)), ("30", (None, None, None)),
])
def test_risk_scores_as_written(text, read):
    assert parse_score(text) == read


@pytest.mark.parametrize(("words", "colour"), [
    ("Implemented", "blue"), ("Superseded", "blue"), ("Achieved", "blue"), ("Closed", "blue"), ("Done", "blue"),
    ("On track", "green"), ("Minor slippage", "amber"), ("Behind schedule", "amber"), ("At risk", "amber"),
    ("Delayed", "amber"), ("Partially implemented", "amber"), ("Major slippage", "red"), ("Overdue", "red"),
    ("Not implemented", "red"), ("Not started", "grey"), ("N/S", "grey"), ("Not yet started", "grey"),
])
def test_status_words_are_declared_once_in_the_schema(words, colour):
    assert node_from_dict("Action", {"id": "a", "title": "t", "status": words}).status == colour


def test_a_risk_records_whether_it_is_open_tolerated_or_closed():
    def status(text):
        return node_from_dict("Risk", {"id": "r", "title": "t", "status": text}).status

    assert (status("Closed"), status("Tolerate"), status("Live"), status("transferred")) == (
        "closed", "tolerated", "open", "transferred")
