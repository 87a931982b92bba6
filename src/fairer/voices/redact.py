"""Redact personal data from residents' free text, before anything is stored.

Replaces e-mail addresses, phone numbers, postcodes, street addresses (in any case), NHS
numbers (checked by their modulus 11 digit), National Insurance numbers, person names and
attendee lists with typed placeholders (``[EMAIL]``, ``[PHONE]``, ``[POSTCODE]``,
``[ADDRESS]``, ``[NHS NUMBER]``, ``[NI NUMBER]``, ``[NAME]``, ``[ATTENDEES]``). The redaction log records what kind of thing was
removed and where, never the original text. Names are found by rule, not by a statistical
model: a title (Mr, Mrs, Dr, Cllr …) before a capitalised word; a common UK first name before
a capitalised surname; phrases such as "my name is …" and "ask for …"; and any names the caller
supplies (an attendee list, staff names). Rules miss some names and catch some non-names, so
the review export shows redacted text for an analyst to check; nothing unredacted leaves this
module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PLACEHOLDERS = (
    "[EMAIL]",
    "[PHONE]",
    "[POSTCODE]",
    "[ADDRESS]",
    "[NAME]",
    "[ATTENDEES]",
    "[NHS NUMBER]",
    "[NI NUMBER]",
)

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?![\w])")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
_STREETS = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Terrace|Place|Court|Grove|"
    "Gardens|Walk|Square|Hill|View|Row|Mews|Parade|Rise|Green|Park"
)
_ADDRESS = re.compile(rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][a-z']+\s){{1,3}}(?:{_STREETS})\b\.?")
# Written in lower case, only street words that are not also everyday words ("walk", "green",
# "park" and "close" are, so those need the capitals of the pattern above).
_ADDRESS_ANY_CASE = re.compile(
    r"(?i)\b\d{1,4}[a-z]?,?\s+(?:[a-z']+\s){1,3}"
    r"(?:road|rd|street|avenue|lane|drive|crescent|terrace|gardens|grove|mews|parade|square)\b\.?"
)
# NHS numbers: ten digits (3-3-4 as printed), kept only when the modulus 11 check digit holds.
_NHS = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
# National Insurance numbers: two letters, six digits (spaced in pairs or not), A-D.
_NINO = re.compile(r"(?i)\b[a-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[a-d]\b")
_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Cllr|Councillor|Rev|Sister|Nurse)\.?\s+(?:[A-Z][a-z'-]+)(?:\s+[A-Z][a-z'-]+)?"
)
# The phrase in any case; the name itself must be capitalised.
_INTRO = re.compile(
    r"\b(?i:my name is|my name's|i am called|i'm called|ask for|speak to|spoke to|contact|called)"
    r"\s+([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?)"
)
_ATTENDEES = re.compile(
    r"(?im)^\s*(?:attendees|present|apologies|in attendance|participants)\s*[:\-].*$"
)
# Common UK first names: a first name followed by a capitalised word is taken as a person.
_FIRST_NAMES_TEXT = """
adam adrian aisha alan alex alexander alice alison amanda amelia amy andrew angela ann anna anne anthony ava barbara
ben benjamin beth brian carl carol caroline catherine charlie charlotte chloe chris christine claire craig daniel
darren dave david dawn dean debbie deborah denise derek diane donna dylan edward eleanor elizabeth ella ellie emily
emma eric evie faye fiona frank gail gareth gary gemma george georgia grace graham hannah harry harvey hayley heather
helen holly ian isabella isla jack jacob jade james jamie jane janet jason jay jayne jennifer jessica jill joan joanne
joe john jon jonathan joseph josh joshua joyce julia julie karen kate katie kayleigh keith kelly kerry kevin kim kirsty
laura lauren lee leo leon lesley linda lisa liam lily louise lucy luke lynn margaret maria marie mark martin mary
matthew megan melissa michael michelle mia mike mohammed muhammad natalie neil nicola nicholas nigel noah oliver olivia
paul paula pauline peter philip poppy rachel rebecca richard rob robert ryan sam samantha samuel sandra sara sarah
scott sean sharon shaun sheila simon sophie stephen steve steven stuart sue susan teresa thomas tina tom tony tracey
tracy vicky victoria wayne william zoe
"""
_FIRST_NAMES = frozenset(_FIRST_NAMES_TEXT.split())
_CAPWORD = re.compile(r"\b([A-Z][a-z'-]+)\s+([A-Z][a-z'-]+)\b")


@dataclass(frozen=True)
class Redaction:
    """One removal: its kind and where it was in the original (never what it said)."""

    kind: str
    start: int
    end: int


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check (NHS Digital's published algorithm).

    Parameters
    ----------
    digits : str
        Ten digits.

    Returns
    -------
    bool

    Examples
    --------
    >>> nhs_number_is_valid("9434765919"), nhs_number_is_valid("9434765918")
    (True, False)
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _spans(text: str, known_names: Iterable[str]) -> list[Redaction]:
    spans: list[Redaction] = []
    for kind, pattern in (
        ("ATTENDEES", _ATTENDEES),
        ("EMAIL", _EMAIL),
        ("PHONE", _PHONE),
        ("ADDRESS", _ADDRESS),
        ("ADDRESS", _ADDRESS_ANY_CASE),
        ("POSTCODE", _POSTCODE),
        ("NI NUMBER", _NINO),
        ("NAME", _TITLE),
    ):
        spans += [Redaction(kind, m.start(), m.end()) for m in pattern.finditer(text)]
    for m in _NHS.finditer(text):
        if nhs_number_is_valid("".join(m.groups())):
            spans.append(Redaction("NHS NUMBER", m.start(), m.end()))
    for m in _INTRO.finditer(text):
        spans.append(Redaction("NAME", m.start(1), m.end(1)))
    for m in _CAPWORD.finditer(text):
        if m.group(1).lower() in _FIRST_NAMES:
            spans.append(Redaction("NAME", m.start(), m.end()))
    for name in {n.strip() for n in known_names if n and len(n.strip()) > 1}:
        for m in re.finditer(rf"\b{re.escape(name)}\b", text, flags=re.IGNORECASE):
            spans.append(Redaction("NAME", m.start(), m.end()))
    # Keep the outermost of overlapping spans (an address's postcode is part of the address).
    spans.sort(key=lambda r: (r.start, -(r.end - r.start)))
    merged: list[Redaction] = []
    for r in spans:
        if merged and r.start < merged[-1].end:
            if r.end > merged[-1].end:
                merged[-1] = Redaction(merged[-1].kind, merged[-1].start, r.end)
            continue
        merged.append(r)
    return merged


def redact(text: str, known_names: Iterable[str] = ()) -> tuple[str, list[Redaction]]:
    """Replace personal data in ``text`` with placeholders.

    Parameters
    ----------
    text : str
        A resident's answer, a note, a chat message.
    known_names : iterable of str
        Names to remove wherever they appear (attendee lists, staff, people named elsewhere).

    Returns
    -------
    (str, list of Redaction)
        The redacted text, and what was removed (kind and position in the original only).

    Examples
    --------
    >>> text, found = redact('Call me on 07700 900123 or email j.bloggs@example.com')
    >>> text
    'Call me on [PHONE] or email [EMAIL]'
    """
    if not isinstance(text, str) or not text:
        return ("" if text is None else str(text)), []
    spans = _spans(text, known_names)
    out, last = [], 0
    for r in spans:
        out.append(text[last : r.start])
        out.append(f"[{r.kind}]")
        last = r.end
    out.append(text[last:])
    return "".join(out), spans


def redact_many(
    texts: Iterable[str], known_names: Iterable[str] = ()
) -> tuple[list[str], dict[str, int]]:
    """Redact many texts; return them and a count of removals by kind (the redaction log).

    Parameters
    ----------
    texts : iterable of str
    known_names : iterable of str
        Names to redact wherever they appear.

    Returns
    -------
    (list of str, dict)
        The redacted texts, and how many of each kind of detail were removed.

    Examples
    --------
    >>> texts, counts = redact_many(['Ring 07700 900123', 'Nothing personal here'])
    >>> texts[1], sum(counts.values())
    ('Nothing personal here', 1)
    """
    names = list(known_names)
    out, counts = [], {}
    for t in texts:
        red, spans = redact(t, names)
        out.append(red)
        for s in spans:
            counts[s.kind] = counts.get(s.kind, 0) + 1
    return out, counts
