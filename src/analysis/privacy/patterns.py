"""Names found without a model: a title, a role, a common first name or an initial before a
capitalised surname ("M. Dupuis", "la procureure Aubertin", "Claire VASSEUR", "J. Dupuis")."""

from __future__ import annotations

import re

from analysis.privacy.spans import NameSpan
from analysis.privacy.words import ENUM_WORDS, FIRST_NAMES, ROLES, after_word, refine_span
from analysis.vectorise import stop_words

_UP = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_LOW = "a-zàâäçéèêëîïôöùûüÿæœñ"
# "Dupuis", "Jean-Pierre", "N’Diaye", "McKenna"; "DUPUIS", "LE GALL"
_CAP_WORD = rf"[{_UP}](?:['’][{_UP}])?[{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}][{_LOW}]+)*"
_UPPER_WORD = rf"[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})*"
_WORD = rf"(?:{_CAP_WORD}|{_UPPER_WORD})(?![\w-])"
_SPACE = r"[ \u00a0]+"
_PARTICLE = rf"(?:{_SPACE}(?:de|du|des|van|von|di|da|del|ben|el){_SPACE}|{_SPACE}d['’])"
_NAME = rf"{_WORD}(?:(?:{_PARTICLE}|{_SPACE}){_WORD}){{0,3}}"

_TITLES = (
    r"M\.|MM\.|Mmes?\.?|Mlles?\.?|Me|Maître|Dr\.?|Docteure?|Pr\.?|Professeure?"
    r"|Monsieur|Madame|Mademoiselle"
)
_CIVILITY_RE = re.compile(rf"(?<![\w.])(?:{_TITLES}){_SPACE}(?P<name>{_NAME})")
# a grade or qualifier between the role and the name ("le commissaire divisionnaire Mazet")
_ROLE_QUALIFIERS = (
    r"divisionnaire|principale?|générale?|adjointe?|en chef|départementale?|municipale?"
    r"|régionale?|territoriale?|déléguée?"
)
_ROLE_RE = re.compile(
    rf"(?<![\w-])(?i:{ROLES})s?(?:{_SPACE}(?i:{_ROLE_QUALIFIERS}))?{_SPACE}(?P<name>{_NAME})"
)
_INITIAL_RE = re.compile(
    rf"(?<![\w.-])(?P<name>[{_UP}]\.(?:-[{_UP}]\.)?[ \u00a0]?{_CAP_WORD}(?![\w-]))"
)
# "Gwenaëlle LE BIHAN" in an attendance list: any capitalised word before a surname in capitals
_NAME_CAPITALS_RE = re.compile(
    rf"(?<![\w-])(?P<name>{_CAP_WORD}{_SPACE}{_UPPER_WORD}(?:{_SPACE}{_UPPER_WORD})?)(?![\w-])"
)
_FIRST_NAME_RE = re.compile(
    r"(?<![\w-])(?P<name>(?:"
    + "|".join(n[0].upper() + n[1:] for n in sorted(FIRST_NAMES, key=len, reverse=True))
    + r")"
    rf"(?:-[{_UP}][{_LOW}]+)?{_SPACE}{_WORD}(?:{_PARTICLE}{_WORD}|{_SPACE}{_UPPER_WORD})?)"
)


def pattern_spans(text: str, keep: frozenset[str], places: list[tuple]) -> list[NameSpan]:
    """Names found by the patterns (titles, roles, first names, initials)."""
    spans = []
    rules: tuple[tuple[str, re.Pattern[str], bool], ...] = (
        ("civilité", _CIVILITY_RE, False),
        ("fonction", _ROLE_RE, False),
        ("prénom", _FIRST_NAME_RE, True),
        ("prénom", _NAME_CAPITALS_RE, False),
        ("initiale", _INITIAL_RE, False),
    )
    for rule, pattern, weak in rules:
        for match in pattern.finditer(text):
            bounds = refine_span(text, match.start("name"), match.end("name"), keep)
            if bounds is None:
                continue
            # weak rules give way to places spaCy recognised ("Marie Curie" hospital...)
            if weak and any(s < bounds[1] and bounds[0] < e for s, e in places):
                continue
            if pattern is _NAME_CAPITALS_RE and not _first_and_surname(text[slice(*bounds)]):
                continue  # trimmed to a lone acronym ("Forum FFSU"): not a person
            if rule == "initiale" and (
                text.startswith("M.", bounds[0]) or after_word(text, bounds[0], ENUM_WORDS)
            ):
                continue  # "M. Dupuis" is a civility; "axe B. Formation" an enumeration
            spans.append(NameSpan(*bounds, text[bounds[0] : bounds[1]], rule))
    return spans


def _first_and_surname(name: str) -> bool:
    """True for "Gwenaëlle LE BIHAN": a capitalised first word, then a surname in capitals
    with a vowel (an acronym such as "CLSPD" has none or is known)."""
    words = name.split()
    if len(words) < 2 or words[0].isupper() or words[0].lower() in stop_words():
        return False  # "Les CCAS", "Pour INFO": a word that opens a phrase, then an acronym
    surname = "".join(words[1:])
    return len(surname) >= 3 and any(c in "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ" for c in surname)
