"""Personal data and misspelt labels in the cells of an input, recognised before anything reads them.

* :func:`is_bsn`: the eleven-test of the Dutch citizen service number (BSN); a key column
  (``person_id``) must never hold one, written plainly or in groups (``111 222 333``).
* :func:`personal_data`: what a label or free-text column (team names, target groups, the
  reasons of ``assumptions.csv``) must not hold because the book prints it: an e-mail address,
  a phone number or a person's name (initials and a surname, a title and a surname, or a
  common given name and a surname). A name is recognised by its form, so "J. de Vries",
  "mevr. Bakker" and "Fatima El Amrani" are found and "Team Noord" is not; a name without such
  a form cannot be told from a label and is not found.
* :func:`near_duplicates`: labels of one column that differ only in case, spacing or
  punctuation, or by one letter (a typo), from a label used more often (or configured in
  ``book.yml``): they would become a group of their own. Labels that differ in a digit or in
  a one- or two-character word (``team 5``/``team 6``, ``Zuid A``/``Zuid B``) are distinct.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

BSN_WRITTEN = re.compile(r"^\d(?:[ .-]?\d){8}$")  # nine digits, maybe grouped
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(?:\+31[ -]?|0)6[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}(?!\d)")
_PARTICLES = r"(?:(?:van|de|der|den|het|ten|ter|te|el|al|la|le|von|di|da|dos|du)\s+)*"
_SURNAME = r"[A-Z][a-zà-ÿ'-]{1,}"
INITIALS_NAME = re.compile(rf"(?<![\w.])(?:[A-Z]\.\s?){{1,4}}{_PARTICLES}{_SURNAME}")
_TITLES = r"dhr|mevr|mw|mevrouw|meneer|heer|mr|mrs|ms|dr|drs|ir|ing"
TITLE_NAME = re.compile(rf"(?i:\b(?:{_TITLES})\b\.?)\s+{_PARTICLES}{_SURNAME}")
# Common given names in Rotterdam's population (a name is matched only when a capitalised
# surname follows it): enough to catch a name typed where a label belongs.
GIVEN_NAMES = frozenset(
    """
    aaron abdel abdelkader abdullah adam ahmed ali amina amir ana andre anna anne annemarie
    anton aisha bart bas bert bilal bram carla chantal charlotte chris daan david dennis dirk
    ebru eline emma emre erik esther eva fatima fatma femke frank freek gerard gert hakan hamza
    hans hassan hatice hendrik henk ibrahim ilse ingrid iris jaap jan janneke jasper jeroen
    joost jos joyce karim kees khadija koen laura leila lisa lotte lucas maarten marco marian
    marieke mark martin maria marloes meryem mohamed mohammed mustafa nadia naima nicole nina
    noah omar patrick paul peter petra pieter priya rachid rick rob robert ronald ruben sanne
    sara sarah saskia sem sevda shirley sophie stefan suzanne thijs thomas tim tom wendy willem
    yasmina yusuf zeynep
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ'-]+")


def bsn_digits(value: str) -> str | None:
    """The nine digits of ``value`` when it is written as a BSN (plainly or in groups), else None."""
    text = str(value).strip()
    return re.sub(r"[ .-]", "", text) if BSN_WRITTEN.match(text) else None


def is_bsn(number: str) -> bool:
    """The eleven-test: 9 digits d1..d9 with 9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11."""
    if len(number) != 9 or not number.isdigit() or number == "000000000":
        return False
    digits = [int(c) for c in number]
    return (sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True)) - digits[8]) % 11 == 0


def written_bsn(value) -> bool:
    """Whether ``value`` is a BSN, written plainly or in groups of digits."""
    digits = bsn_digits(value)
    return digits is not None and is_bsn(digits)


def personal_data(text: str) -> str | None:
    """What personal data ``text`` holds, in a few words, or None."""
    if EMAIL.search(text):
        return "an e-mail address"
    if PHONE.search(text):
        return "a phone number"
    if INITIALS_NAME.search(text) or TITLE_NAME.search(text) or _given_and_surname(text):
        return "a person's name"
    return None


def _given_and_surname(text: str) -> bool:
    words = _WORD.findall(text)
    for i, word in enumerate(words[:-1]):
        if word.lower() in GIVEN_NAMES and word[0].isupper():
            rest = [w for w in words[i + 1 :] if w.lower() not in {"van", "de", "der", "den", "el", "al", "ten", "ter"}]
            if rest and rest[0][0].isupper() and rest[0].lower() not in GIVEN_NAMES:
                return True
    return False


def normalised(label: str) -> str:
    """``label`` without case, white space and punctuation: how near-identical labels compare."""
    return re.sub(r"[\W_]+", "", str(label).casefold())


def _one_edit(a: str, b: str) -> tuple[int, str, str] | None:
    """Where ``a`` and ``b`` differ when they are one edit apart (substitution, insertion,
    deletion, or two neighbours swapped): the position and the characters involved."""
    if a == b or abs(len(a) - len(b)) > 1:
        return None
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    da, db = a[start:end_a], b[start:end_b]
    if len(da) <= 1 and len(db) <= 1:
        return start, da, db
    if len(da) == len(db) == 2 and da == db[::-1]:
        return start, da, db
    return None


def _short_word_at(label: str, key: str, position: int) -> bool:
    """Whether the character at ``position`` of ``normalised(label)`` (``key``) lies in a word
    of ``label`` of at most two characters (``A`` in ``Zuid A``)."""
    offset = 0
    for word in re.findall(r"[^\W_]+", label.casefold()):
        if offset <= position <= offset + len(word):
            return len(word) <= 2
        offset += len(word)
    return position >= len(key)


def near(label: str, other: str) -> bool:
    """Whether ``label`` looks like a misspelling of ``other`` (see the module docstring)."""
    a, b = normalised(label), normalised(other)
    if not a or not b or label == other:
        return False
    if a == b:
        return True
    edit = _one_edit(a, b)
    if edit is None or min(len(a), len(b)) < 4:
        return False
    position, da, db = edit
    if any(c.isdigit() for c in da + db):
        return False
    return not (_short_word_at(label, a, position) or _short_word_at(other, b, position))


def near_duplicates(counts: Mapping[str, int], known: Iterable[str] = ()) -> dict[str, str]:
    """``{label: the label it should be}`` for each label of ``counts`` (label → rows) that is
    near a configured label (``known``) it is not, or near a label used on more rows."""
    known = list(known)
    found: dict[str, str] = {}
    labels = sorted(counts, key=lambda label: (-counts[label], label))[:500]
    for label in labels:
        if label in known:
            continue
        target = next((k for k in known if near(label, k)), None)
        if target is None:
            target = next((o for o in labels if counts[o] > counts[label] and near(label, o)), None)
        if target is not None:
            found[label] = target
    return found


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The choice ``value`` was probably meant to be (case, spacing, punctuation or one edit
    apart), for a "did you mean"."""
    return next((c for c in choices if near(str(value), c)), None)
