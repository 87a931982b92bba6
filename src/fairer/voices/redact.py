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

import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PLACEHOLDERS = (
    "[EMAIL]",
    "[PHONE]",
    "[POSTCODE]",
    "[ADDRESS]",
    "[NAME]",
    "[ATTENDEES]",
    "[NHS NUMBER]",
    "[NI NUMBER]",
    "[DATE OF BIRTH]",
    "[VEHICLE]",
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
# A title in any case before a word the name lists know ("mrs okafor").
_TITLE_ANY_CASE = re.compile(
    r"(?i)\b(?:mr|mrs|ms|miss|mx|dr|prof|cllr|councillor|rev)\.?\s+([a-z][a-z'-]+)"
)
# The phrase in any case; the name itself must be capitalised.
_INTRO = re.compile(
    r"\b(?i:my name is|my name's|i am called|i'm called|ask for|speak to|spoke to|contact|called)"
    r"\s+([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?)"
)
_ATTENDEES = re.compile(
    r"(?im)^\s*(?:attendees|present|apologies|in attendance|participants)\s*[:\-].*$"
)
# A date of birth: a date after words that say it is one.
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Za-z]{3,9},?\s+\d{4}"
    r"|[A-Za-z]{3,9}\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
)
_DOB = re.compile(
    rf"(?i)\b(?:d\.?o\.?b\.?|date of birth|born(?:\s+on)?|birthday(?:\s+is)?)\s*[:\-]?\s*({_DATE})"
)
# Vehicle registrations: the current format (AB12 CDE) in any case; the older prefix
# (A123 BCD) and suffix (ABC 123D) formats in capitals only, as they are written on plates.
_VEHICLE = re.compile(
    r"\b(?:(?i:[a-z]{2}\d{2}\s?[a-z]{3})|[A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z])\b"
)
# A word: letters, with apostrophes or hyphens inside (O'Neill, Lily-Mae).
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def _words(text: str) -> frozenset[str]:
    """A word list written as words."""
    return frozenset(text.split())


# Words before a capitalised word that make it a person: the people residents write about,
# and what they do with them ("thank Dawn", "my son Jack").
_PEOPLE_WORDS = _words(
    """son daughter husband wife partner mum mam mother dad father brother sister nan nana gran
    grandma grandad grandson granddaughter niece nephew cousin uncle aunt auntie boyfriend
    girlfriend friend neighbour colleague boss landlord landlady carer worker officer
    manager teacher nurse doctor midwife coach mentor volunteer caretaker councillor named
    called baby child thank thanks ask asked tell told met meet saw phoned rang emailed
    texted visited"""
)
# Words after a capitalised word that make it a person ("Mark said"); the weaker ones
# ("Selam needs help") only for a word no list knows.
_SPEECH_VERBS = _words(
    """said says told tells asked asks explained helped helps promised thinks thought"""
)
_PERSON_VERBS = _SPEECH_VERBS | _words(
    """wants wanted needs needed has had is was cannot can't can could would will lives lived
    works worked runs ran came comes goes went lost loves loved volunteers volunteered
    teaches drives organised organized started set plays"""
)
# After a name-like word, these make it a place: "Ropner Park", "James Cook hospital".
_FACILITY_WORDS = frozenset(
    f"""{_STREETS.lower().replace("|", " ")} centre center hall church chapel mosque temple
    gurdwara school academy college university hospital surgery clinic library club house
    estate museum stadium station precinct shopping market square woods woodland fields
    field barrage bridge ward garden""".split()
)
# Prepositions before a lone surname-like word that make it a place: "in Billingham".
_PLACE_PREPOSITIONS = frozenset(
    ["in", "at", "near", "from", "to", "around", "outside", "towards", "via", "into"]
)
# Months and weekdays that are also first names ("June", "April") need a surname beside them.
_CALENDAR = _words(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday"""
)
# Shops, services, bodies and festivals residents name that the name lists also hold.
_NOT_PEOPLE = _words(
    """aldi asda lidl tesco morrisons sainsbury sainsburys greggs primark boots costa iceland
    mcdonald mcdonalds healthwatch arriva barnardo ofsted mencap stagecoach nspcc eid
    ramadan diwali vaisakhi hanukkah christmas easter"""
)


@dataclass(frozen=True)
class _NameLists:
    first: frozenset[str]
    surnames: frozenset[str]
    words: frozenset[str]
    proper: frozenset[str]
    places: frozenset[str]


@lru_cache(maxsize=1)
def _name_lists() -> _NameLists:
    """The name lists, lower case (built by ``tools/build_name_lists.py``).

    First names are ONS baby names (England and Wales, 1996-2020), surnames the US Census 2010
    list, words and proper nouns SCOWL's British English list; see
    ``fairer/data/names/README.md``. Places are the words of English local authorities' names.
    """
    folder = resources.files("fairer.data") / "names"

    def read(name: str) -> frozenset[str]:
        with folder.joinpath(name).open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
            return frozenset(f.read().split())

    from fairer.reference import known_local_authorities

    places = {
        w.lower()
        for name in known_local_authorities()["lad_name"]
        for w in re.split(r"[\s,\-]+", name)
        if w
    }
    return _NameLists(
        first=read("first_names.txt.gz"),
        surnames=read("surnames.txt.gz"),
        words=read("english_words.txt.gz"),
        proper=read("proper_nouns.txt.gz"),
        places=frozenset(places),
    )


@lru_cache(maxsize=16)
def _exempt_words(not_names: tuple[str, ...]) -> frozenset[str]:
    """The look-up forms of the words of the place's own names (built once per set of names)."""
    return frozenset(_key(w) for n in not_names for w in _WORD.findall(n))


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _key(word: str) -> str:
    """The lower-case look-up form: curly apostrophes straightened, a possessive 's dropped."""
    w = word.lower().replace("’", "'")
    return w[:-2] if w.endswith("'s") else w


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'(“‘")
    return not before or before[-1] in ".!?\n:;•-*"


_CLAN_PREFIX = re.compile(r"(?:O'|O’|Mc|Mac)[A-Z][a-z]+")


class _Words:
    """The words of one text, with what the name lists say of each."""

    def __init__(self, text: str, exempt: frozenset[str]) -> None:
        self.text = text
        self.lists = _name_lists()
        self.matches = list(_WORD.finditer(text))
        self.keys = [_key(m.group()) for m in self.matches]
        self.exempt = exempt | self.lists.places | _NOT_PEOPLE

    def __len__(self) -> int:
        return len(self.matches)

    def word(self, i: int) -> str:
        return self.matches[i].group()

    def joined(self, i: int) -> bool:
        """Word ``i`` is followed by word ``i + 1`` after a single space."""
        return (
            i + 1 < len(self)
            and self.text[self.matches[i].end() : self.matches[i + 1].start()] == " "
        )

    def prev(self, i: int) -> str:
        if i and self.text[self.matches[i - 1].end() : self.matches[i].start()].strip(" ,") == "":
            return self.keys[i - 1]
        return ""

    def next(self, i: int) -> str:
        return self.keys[i + 1] if self.joined(i) else ""

    def is_word(self, key: str) -> bool:
        return all(p in self.lists.words for p in key.split("-"))

    def is_surname(self, i: int) -> bool:
        """Capitalised and a surname, or shaped like one (O'Neill, McCarthy, MacLeod)."""
        w, k = self.word(i), self.keys[i]
        if k in self.exempt or k in _PEOPLE_WORDS:  # "my Dad's" is no surname
            return False
        if _CLAN_PREFIX.fullmatch(w.removesuffix("'s")):
            return True
        return _is_capitalised(w) and len(k) >= 3 and k.replace("'", "") in self.lists.surnames

    def in_person_context(self, i: int, verbs: frozenset[str] = _SPEECH_VERBS) -> bool:
        """Written as a person is: after "my son" or "thank", before "said" or ", my mum"."""
        if self.prev(i) in _PEOPLE_WORDS or self.next(i) in verbs:
            return True
        return self.next(i) == "my" and i + 2 < len(self) and self.keys[i + 2] in _PEOPLE_WORDS

    def is_place(self, i: int) -> bool:
        """A lone proper noun after "in", "near", "from" ...: "families in Norton"."""
        return self.prev(i) in _PLACE_PREPOSITIONS - {"to"} and self.keys[i] in self.lists.proper

    def starts_name(self, i: int) -> bool:
        """Whether word ``i`` is (the start of) a person's name."""
        w, k, lists = self.word(i), self.keys[i], self.lists
        cap = _is_capitalised(w)
        if k in self.exempt or len(k) < 2:
            return False
        if "-" in k:  # Lily-Mae, Smith-Worthington: capitalised parts, one of them a name
            parts = k.replace("'", "").split("-")
            return (
                cap
                and all(_is_capitalised(p) for p in w.split("-"))
                and not any(p in _FACILITY_WORDS for p in parts)
                and any(
                    len(p) >= 3
                    and (p in lists.first or p in lists.surnames)
                    and p not in lists.words
                    for p in parts
                )
            )
        everyday = k in lists.words or k in _CALENDAR
        followed_by_surname = self.joined(i) and self.is_surname(i + 1)
        if k in lists.first and not everyday:
            if not cap:
                return w.islower() and len(k) >= 3
            return followed_by_surname or not self.is_place(i)
        if not cap:
            return False
        if k in lists.first:  # a name that is also a word ("Grace", "Will", "June")
            mid_sentence = not _sentence_start(self.text, self.matches[i].start())
            follows = (
                self.joined(i)
                and _is_capitalised(self.word(i + 1))
                and not self.is_word(self.keys[i + 1])
            )
            return (
                followed_by_surname
                or (k not in _CALENDAR and self.in_person_context(i))
                or (
                    k not in _CALENDAR
                    and mid_sentence
                    and follows
                    and self.next(i) not in _FACILITY_WORDS
                )
            )
        if everyday:
            return False
        if self.is_surname(i):
            if (
                self.joined(i)
                and self.keys[i + 1] in lists.first
                and _is_capitalised(self.word(i + 1))
            ):
                return True  # surname first: "Nguyen Van Minh", "Rahman Jamal"
            if k not in lists.proper:
                return self.prev(i) not in _PLACE_PREPOSITIONS or bool(_CLAN_PREFIX.match(w))
        # A capitalised word no list knows, written as people are written about: "Selam needs".
        return (
            k not in lists.proper
            and k not in lists.surnames
            and self.in_person_context(i, _PERSON_VERBS)
        )

    def name_end(self, i: int) -> int:
        """The last word of the name starting at ``i``: its middle names and surname."""
        sure = self.keys[i] in self.lists.first and not self.is_word(self.keys[i])
        j = i
        while self.joined(j) and j - i < 3:
            nw, nk = self.word(j + 1), self.keys[j + 1]
            if nk in self.exempt or nk in _CALENDAR:
                break
            if nk in _FACILITY_WORDS:  # "Patrick Ward said" is a person, "Norton Ward" a place
                if sure and self.next(j + 1) in _SPEECH_VERBS:
                    j += 1
                break
            if _is_capitalised(nw) or (
                nw.islower() and nk in self.lists.surnames and not self.is_word(nk)
            ):
                j += 1
            else:
                break
        return j


def _names_by_list(text: str, exempt: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of person names found with the name lists and the context rules."""
    words = _Words(text, exempt)
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if not words.starts_name(i):
            i += 1
            continue
        j = words.name_end(i)
        # A name followed by a street or building word is a place: "Ropner Park".
        if words.next(j) not in _FACILITY_WORDS:
            found.append((words.matches[i].start(), words.matches[j].end()))
        i = j + 1
    # "Harry and Oliver": a capitalised word joined by "and" to a name is a name too.
    spans = sorted(found)
    for a, b in list(spans):
        for m in re.finditer(rf"\b([A-Z][a-z'-]+) (?:and|&) {re.escape(text[a:b])}\b", text):
            if (
                not any(s <= m.start(1) < e for s, e in spans)
                and _key(m.group(1)) in words.lists.first
            ):
                found.append((m.start(1), m.end(1)))
    return found


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


def _spans(text: str, known_names: Iterable[str], not_names: Iterable[str] = ()) -> list[Redaction]:
    spans: list[Redaction] = []
    for kind, pattern in (
        ("ATTENDEES", _ATTENDEES),
        ("EMAIL", _EMAIL),
        ("PHONE", _PHONE),
        ("ADDRESS", _ADDRESS),
        ("ADDRESS", _ADDRESS_ANY_CASE),
        ("POSTCODE", _POSTCODE),
        ("NI NUMBER", _NINO),
        ("VEHICLE", _VEHICLE),
        ("NAME", _TITLE),
    ):
        spans += [Redaction(kind, m.start(), m.end()) for m in pattern.finditer(text)]
    for m in _NHS.finditer(text):
        if nhs_number_is_valid("".join(m.groups())):
            spans.append(Redaction("NHS NUMBER", m.start(), m.end()))
    for m in _DOB.finditer(text):
        spans.append(Redaction("DATE OF BIRTH", m.start(1), m.end(1)))
    for m in _INTRO.finditer(text):
        spans.append(Redaction("NAME", m.start(1), m.end(1)))
    lists = _name_lists()
    for m in _TITLE_ANY_CASE.finditer(text):
        key = _key(m.group(1))
        if key in lists.words:  # "miss them", "Dr to"
            continue
        if key in lists.first or key.replace("'", "") in lists.surnames:
            spans.append(Redaction("NAME", m.start(), m.end()))
    exempt = _exempt_words(tuple(not_names))
    spans += [Redaction("NAME", a, b) for a, b in _names_by_list(text, exempt)]
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


def redact(
    text: str, known_names: Iterable[str] = (), not_names: Iterable[str] = ()
) -> tuple[str, list[Redaction]]:
    """Replace personal data in ``text`` with placeholders.

    Parameters
    ----------
    text : str
        A resident's answer, a note, a chat message.
    known_names : iterable of str
        Names to remove wherever they appear (attendee lists, staff, people named elsewhere).
    not_names : iterable of str
        Words that are not people here although the name lists hold them: the place's own
        ward, town and street names ("Billingham", "Norton").

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
    spans = _spans(text, known_names, not_names)
    out, last = [], 0
    for r in spans:
        out.append(text[last : r.start])
        out.append(f"[{r.kind}]")
        last = r.end
    out.append(text[last:])
    return "".join(out), spans


def redact_many(
    texts: Iterable[str], known_names: Iterable[str] = (), not_names: Iterable[str] = ()
) -> tuple[list[str], dict[str, int]]:
    """Redact many texts; return them and a count of removals by kind (the redaction log).

    Parameters
    ----------
    texts : iterable of str
    known_names : iterable of str
        Names to redact wherever they appear.
    not_names : iterable of str
        Place words that are not people (see :func:`redact`).

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
    names, places = list(known_names), list(not_names)
    out, counts = [], {}
    for t in texts:
        red, spans = redact(t, names, places)
        out.append(red)
        for s in spans:
            counts[s.kind] = counts.get(s.kind, 0) + 1
    return out, counts
