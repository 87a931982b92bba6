"""Redaction of personal data, on hand-written examples of every kind."""

from __future__ import annotations

import pytest

from fairer.voices import redact, redact_many
from tests.conftest import shared_path
from tests.redaction_measure import HELD_OUT, TUNING, measure, stockton_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at jo.bloggs+consult@example.co.uk please", "Email me at [EMAIL] please"),
        ("Ring 01642 123456 or 07700 900123 anytime", "Ring [PHONE] or [PHONE] anytime"),
        ("Call +44 (0)20 7946 0958 after six", "Call [PHONE] after six"),
        ("We live near TS18 1TU and ts17 6ab", "We live near [POSTCODE] and [POSTCODE]"),
        ("The flats at 12 Dovecot Street need repairs", "The flats at [ADDRESS] need repairs"),
        ("Flat 3, 27A Station Road, Stockton", "Flat 3, [ADDRESS], Stockton"),
        ("Mrs Patel at the school was brilliant", "[NAME] at the school was brilliant"),
        ("Cllr Jim Beall opened the meeting", "[NAME] opened the meeting"),
        ("My name is Aisha and I care for my mum", "My name is [NAME] and I care for my mum"),
        ("Sarah Johnson from the food bank helped us", "[NAME] from the food bank helped us"),
        (
            "Attendees: Tom Smith, Ruth Ng, Bilal Khan\nWe discussed buses.",
            "[ATTENDEES]\nWe discussed buses.",
        ),
        ("Ask for Gwen at reception", "Ask for [NAME] at reception"),
        (
            "my NHS number is 943 476 5919 if you need it",
            "my NHS number is [NHS NUMBER] if you need it",
        ),
        ("NHS no 9434765919.", "NHS no [NHS NUMBER]."),
        ("NI number QQ 12 34 56 C on the form", "NI number [NI NUMBER] on the form"),
        ("ni: qq123456c", "ni: [NI NUMBER]"),
        ("we moved to 12 acacia avenue last year", "we moved to [ADDRESS] last year"),
    ],
)
def test_each_kind_is_replaced(text, expected):
    red, spans = redact(text)
    assert red == expected
    assert spans  # and logged


def test_known_names_and_no_originals_in_the_log():
    text = "Bilal said the youth club closed; bilal KHAN wants it back."
    red, spans = redact(text, known_names=["Bilal Khan", "Bilal"])
    assert "Bilal" not in red and "bilal" not in red.lower().replace("[name]", "")
    assert all(set(vars(s)) == {"kind", "start", "end"} for s in spans)  # kinds and places only


def test_ordinary_text_is_left_alone_and_redaction_is_idempotent():
    text = "The Council should fund Family Hubs in Stockton Town Centre by March 2026."
    assert redact(text)[0] == text
    once, _ = redact("Mr Brown on 01642 555555, TS18 1TU")
    assert redact(once)[0] == once


def test_redact_many_counts_by_kind():
    texts = ["a@b.com", "TS18 1TU and c@d.org", "", None]
    out, counts = redact_many(texts)
    assert out == ["[EMAIL]", "[POSTCODE] and [EMAIL]", "", ""]
    assert counts == {"EMAIL": 2, "POSTCODE": 1}


@pytest.mark.parametrize(
    "text",
    [
        "The survey had 1234567890 responses in total",  # ten digits that fail the NHS check
        "2 more people walk to school now",  # a lower-case 'walk' is not a street
        "3 shops close early on the high street",
        "We need 10 more buses an hour",
        # Patterns from real patient comments that once came out as names.
        "The staff were kind to My Dad's carer",
        "The Co-Ordinator rang back the same day",
        "Support for Bi-Polar Disorder is hard to find",
        "We will miss them when the clinic closes",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text)[0] == text


@pytest.mark.parametrize(
    "text",
    [
        # The names from the bad-input battery, as residents wrote them: no title, no "my name is".
        "Wojciech Kowalski said the hall is too dear",
        "ask aisha begum, she knows",
        "Jamal Rahman runs the club",
        "Kwame Mensah was there",
        "the housing officer, Okafor, never rang",
        "Priya explained everything",
        "the Smith-Worthington family complained",
        "mrs okafor at number 9",
        "My son Declan and Siobhan O'Neill came",
    ],
)
def test_names_without_a_title_are_found(text):
    red, _ = redact(text)
    for name in [
        "Wojciech",
        "Kowalski",
        "aisha",
        "begum",
        "Jamal",
        "Rahman",
        "Kwame",
        "Mensah",
        "Okafor",
        "okafor",
        "Priya",
        "Smith-Worthington",
        "Declan",
        "Siobhan",
        "O'Neill",
    ]:
        assert name not in red.split() and name not in red, red


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DOB 02-11-1990", "DOB [DATE OF BIRTH]"),
        ("I was born on 3rd of May 1987 here", "I was born on [DATE OF BIRTH] here"),
        ("van AB12 CDE parks there", "van [VEHICLE] parks there"),
        ("plate R123 ABC again", "plate [VEHICLE] again"),
    ],
)
def test_dates_of_birth_and_vehicle_registrations(text, expected):
    assert redact(text)[0] == expected


def test_a_date_that_is_not_a_birth_date_stays():
    text = "The meeting on 12/03/2025 was well attended."
    assert redact(text)[0] == text


def test_a_places_own_names_are_not_people():
    text = "Families in Billingham and Norton North lost their bus."
    assert "Billingham" not in redact(text)[0] or "Norton" not in redact(text)[0]
    kept, _ = redact(text, not_names=["Billingham Central", "Norton North"])
    assert kept == text


def test_recall_and_precision_on_the_labelled_sentences():
    """Hundreds of hand-labelled sentences, many communities' names: the figures in
    docs/voices.md. The held-out set was written after the rules and measured once."""
    tuning = measure(TUNING)
    held_out = measure(HELD_OUT)
    assert tuning.marked > 150 and held_out.marked > 70
    assert tuning.recall >= 0.97 and tuning.precision >= 0.97, (tuning.missed, tuning.wrong)
    assert held_out.recall >= 0.95 and held_out.precision >= 0.85, (
        held_out.missed,
        held_out.wrong,
    )


def test_with_the_places_own_names_precision_on_held_out_sentences_rises():
    """Most wrong removals in the held-out set are Stockton's own ward names; given the
    place's names (as an import inside a place does), they stay."""
    names = stockton_names(shared_path("lookups", "lsoa21_ward24_ltla24.parquet"))
    without, with_names = measure(HELD_OUT), measure(HELD_OUT, names)
    assert with_names.recall == without.recall
    assert with_names.precision >= 0.95 > without.precision
