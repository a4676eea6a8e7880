"""Names found without a model: a title, a role, a first name or an initial before a
capitalised surname ("M. Dupuis", "la procureure Aubertin", "Claire VASSEUR", "J. Dupuis"),
the surnames listed after a plural title ("MM. Carpentier, Dumez et Lagache"), a first name
standing alone ("Merci à Kévin"), a nickname ("le surnom de « Dédé »")."""

from __future__ import annotations

import re

from analysis.privacy.lexicon import PLACE_PREFIXES, Lexicon
from analysis.privacy.spans import NameSpan
from analysis.privacy.words import (
    CALENDAR_WORDS,
    COUNTRY_PREPOSITIONS,
    ENUM_WORDS,
    INSTITUTION_WORDS,
    LAW_WORDS,
    PARTICLES,
    PLACE_PREPOSITIONS,
    ROLES,
    TITLE_WORDS,
    after_place_word,
    after_word,
    refine_span,
    word_before,
    word_key,
)
from analysis.vectorise import stop_words

_UP = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_LOW = "a-zàâäçéèêëîïôöùûüÿæœñ"
# "Dupuis", "Jean-Pierre", "N’Diaye", "McKenna"; "DUPUIS", "LE GALL"
_CAP_WORD = rf"[{_UP}](?:['’][{_UP}])?[{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}][{_LOW}]+)*"
_UPPER_WORD = rf"[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})*"
_WORD = rf"(?:{_CAP_WORD}|{_UPPER_WORD})(?![\w-])"
_SPACE = r"[ \u00a0]+"
# lower-case particles inside a surname: "de La Tour d'Aulnay", "van der Meersch"
_LOW_PARTICLE = r"(?:de|du|des|van|von|der|den|di|da|del|dos|ben|el|ter|ten|la|le)"
_PARTICLE = rf"(?:{_SPACE}(?:{_LOW_PARTICLE}{_SPACE}){{1,2}}|{_SPACE}[dD]['’])"
_NAME = rf"(?:[dD]['’])?{_WORD}(?:(?:{_PARTICLE}|{_SPACE}){_WORD}){{0,3}}"
# "D.", "J.-P.", "A.W."
_INITIALS = rf"[{_UP}]\.(?:-?[{_UP}]\.)*"

_TITLES = (
    r"M\.|MM\.|Mmes?\.?|Mlles?\.?|Me|Maître|Dr\.?|Docteure?|Pr\.?|Professeure?"
    r"|Monsieur|Madame|Mademoiselle|Mr\.?"
)
# "M. Dupuis", "M. de Villiers", "M. D."
_CIVILITY_RE = re.compile(
    rf"(?<![\w.])(?:{_TITLES}){_SPACE}"
    rf"(?P<name>(?:(?:de|du|des|van|von|di|da){_SPACE}(?:la{_SPACE})?)?{_NAME}"
    rf"|{_INITIALS}(?![\w-]))"
)
# "Mmes Arnaud, Bellec et Chauvin": each surname after a plural title
_PLURAL_TITLES = r"MM\.|Mmes\.?|Mlles\.?|Messieurs|Mesdames|Mesdemoiselles"
_LIST_RE = re.compile(
    rf"(?<![\w.])(?:{_PLURAL_TITLES}){_SPACE}(?P<names>{_NAME}"
    rf"(?:[ \u00a0]*,[ \u00a0]*{_NAME})*(?:{_SPACE}et{_SPACE}{_NAME})?)"
)
_LIST_NAME_RE = re.compile(_NAME)
# a grade or qualifier between the role and the name ("le commissaire divisionnaire Mazet")
_ROLE_QUALIFIERS = (
    r"divisionnaire|principale?|générale?|adjointe?|en chef|départementale?|municipale?"
    r"|régionale?|territoriale?|déléguée?"
)
_ROLE_RE = re.compile(
    rf"(?<![\w-])(?i:{ROLES})s?(?:{_SPACE}(?i:{_ROLE_QUALIFIERS}))?{_SPACE}(?P<name>{_NAME})"
)
_INITIAL_RE = re.compile(
    rf"(?<![\w.-])(?P<name>{_INITIALS}[ \u00a0]?(?:{_CAP_WORD}|{_UPPER_WORD})(?![\w-]))"
)
# "JP DELEVOYE": two capitals, then a surname in capitals (not in a heading in capitals)
_CAPITAL_INITIALS_RE = re.compile(
    rf"(?<![\w.-])(?P<name>(?P<initials>[{_UP}]{{2}}){_SPACE}(?P<surname>[{_UP}]{{3,}}))(?![\w-])"
    rf"(?!{_SPACE}[{_UP}]{{2}})"
)
# "R. K.": a person known by two initials
_TWO_INITIALS_RE = re.compile(rf"(?<![\w.'’-])(?P<name>[{_UP}]\.[ \u00a0][{_UP}]\.)(?![\w-])")
# "Gwenaëlle LE BIHAN" in an attendance list: any capitalised word before a surname in capitals
_NAME_CAPITALS_RE = re.compile(
    rf"(?<![\w-])(?P<name>{_CAP_WORD}{_SPACE}{_UPPER_WORD}(?:{_SPACE}{_UPPER_WORD})?)(?![\w-])"
)
# a first name, then up to three surname words, particles between ("Sylvain Le Bihan",
# "Bérénice de La Tour d'Aulnay"), or an initial ("Émilie D.")
_FIRST_NAME_RE = re.compile(
    rf"(?P<first>{_CAP_WORD})(?![\w-])"
    rf"(?P<tail>(?:(?:{_PARTICLE}|{_SPACE}){_WORD}){{1,3}}|{_SPACE}[{_UP}]\.(?!\w))?"
)
_CAPITAL_START = re.compile(rf"(?<![\w'’-])(?<![{_UP}]\.)[{_UP}]")
# "le surnom de « Dédé »", "surnommé « Bébert »", "alias « Tonton »"
_NICKNAME_RE = re.compile(
    rf"(?i:surnom|surnommée?s?|sobriquet|alias)(?:{_SPACE}(?:de|d['’]))?[ \u00a0]*"
    rf"[«\"“][ \u00a0]*(?P<name>{_CAP_WORD}(?:{_SPACE}{_CAP_WORD})?)[ \u00a0]*[»\"”]"
)
_ARTICLE_BEFORE = re.compile(
    r"(?:^|[\s(])(?i:le|la|les|l['’]|un|une|du|au|aux|ce|cette|notre|votre|leur)[ \u00a0]*$"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;»«\"“(\n\-•*–—][\s\u00a0]*)$")
_CAPITALISED_BEFORE = re.compile(rf"(?<![\w'’-])([{_UP}][\w'’.-]*)[ \u00a0]+$")


def sentence_start(text: str, start: int) -> bool:
    """True when ``start`` opens the text, a sentence, a list item or a heading."""
    return bool(_SENTENCE_START.search(text[max(0, start - 4) : start]))


def after_article(text: str, start: int) -> bool:
    """True after an article or a determiner ("la Poste", "La Poste", "du Creusot")."""
    return bool(_ARTICLE_BEFORE.search(text[max(0, start - 12) : start]))


def pattern_spans(
    text: str, keep: frozenset[str], lexicon: Lexicon | None = None
) -> list[NameSpan]:
    """Names found by the patterns (titles, roles, first names, initials, lists, nicknames).

    spaCy's places are not read here: its small model takes many first names for places
    ("Merci à Kévin"); the protector weighs places over the whole corpus.
    """
    lexicon = lexicon or Lexicon(None)
    spans = []
    rules: tuple[tuple[str, re.Pattern[str]], ...] = (
        ("civilité", _CIVILITY_RE),
        ("fonction", _ROLE_RE),
        ("prénom", _NAME_CAPITALS_RE),
        ("initiale", _INITIAL_RE),
        ("initiale", _TWO_INITIALS_RE),
        ("prénom", _NICKNAME_RE),
    )
    for rule, pattern in rules:
        for match in pattern.finditer(text):
            bounds = refine_span(text, match.start("name"), match.end("name"), keep, lexicon)
            if bounds is None:
                continue
            if pattern is _NAME_CAPITALS_RE and not _first_and_surname(
                text[slice(*bounds)], lexicon
            ):
                continue  # trimmed to a lone acronym ("Forum FFSU"): not a person
            if rule == "initiale" and not _plausible_initial(text, bounds, lexicon):
                continue
            first = text[slice(*bounds)].split()[0]
            if word_key(first) in stop_words() - PARTICLES and not first.endswith("."):
                continue  # "les élus En France", "Moins De Députés Et De Sénateurs"
            spans.append(NameSpan(*bounds, text[bounds[0] : bounds[1]], rule))
    spans += _list_spans(text, keep, lexicon)
    spans += _capital_initial_spans(text, lexicon)
    spans += first_name_spans(text, keep, lexicon)
    return spans


def _plausible_initial(text: str, bounds: tuple[int, int], lexicon: Lexicon) -> bool:
    """True for a name such as "J. Dupuis"; "M. Dupuis" is a civility, "axe B. Formation" an
    enumeration, "France O. Ces deux chaînes" a sentence that starts after an initial."""
    if text.startswith("M.", bounds[0]) or after_word(text, bounds[0], ENUM_WORDS):
        return False
    surname = text[bounds[0] : bounds[1]].split(".")[-1].strip()
    if not surname:
        return True  # "R. K."
    return not lexicon.is_word(surname) or lexicon.is_surname(surname)


def _list_spans(text: str, keep: frozenset[str], lexicon: Lexicon) -> list[NameSpan]:
    """Each surname listed after a plural title ("MM. Carpentier, Dumez et Lagache")."""
    spans = []
    for match in _LIST_RE.finditer(text):
        for name in _LIST_NAME_RE.finditer(text, match.start("names"), match.end("names")):
            bounds = refine_span(text, name.start(), name.end(), keep, lexicon)
            if bounds is not None:
                spans.append(NameSpan(*bounds, text[bounds[0] : bounds[1]], "civilité"))
    return spans


def _capital_initial_spans(text: str, lexicon: Lexicon) -> list[NameSpan]:
    """Initials in capitals before a surname in capitals that the civil registers know and
    the language does not ("JP DELEVOYE", unlike "TV LOCALE" or "PS ORDURES")."""
    spans = []
    for match in _CAPITAL_INITIALS_RE.finditer(text):
        surname = match.group("surname")
        if match.group("initials").lower() in stop_words():
            continue  # "EN FRANCE", "LE SENAT": a title in capitals
        if lexicon.is_surname(surname) and not lexicon.is_word(surname):
            spans.append(NameSpan(match.start(), match.end(), match.group(), "initiale"))
    return spans


def first_name_spans(text: str, keep: frozenset[str], lexicon: Lexicon) -> list[NameSpan]:
    """A first name of the civil registers before a surname ("Phillipe Tireloque",
    "Sylvain Le Bihan"), or a usual first name standing alone ("Merci à Kévin")."""
    spans: list[NameSpan] = []
    for capital in _CAPITAL_START.finditer(text):
        if spans and capital.start() < spans[-1].end:
            continue
        match = _FIRST_NAME_RE.match(text, capital.start())
        if match is None or _outside_a_name(text, match.start()):
            continue
        first = match.group("first")
        if not lexicon.is_first_name(first) and not (
            match.group("tail") and lexicon.is_misspelt_first_name(first)
        ):
            continue
        bounds = _full_name(text, match, keep, lexicon) if match.group("tail") else None
        lone = _lone_first_name(text, match.start(), match.end("first"), lexicon)
        if bounds is None and lone and refine_span(text, match.start(), match.end("first"), keep):
            bounds = match.start(), match.end("first")
        if bounds is not None:
            spans.append(NameSpan(*bounds, text[bounds[0] : bounds[1]], "prénom"))
    return spans


def _full_name(
    text: str, match: re.Match[str], keep: frozenset[str], lexicon: Lexicon
) -> tuple[int, int] | None:
    """The bounds of "first name + surname", or None when the pair is not a person's name
    ("France Travail", "Prime Rénov", "Jean Jaurès" after a place word)."""
    first = match.group("first")
    bounds = refine_span(text, match.start(), match.end(), keep, lexicon)
    if bounds is None or bounds[0] != match.start() or bounds[1] <= match.end("first"):
        return None
    surname = text[match.end("first") : bounds[1]].split()
    surname = [w for w in surname if w[:1].isupper()]
    if not surname or all(w.isupper() and len(w) <= 4 and "." not in w for w in surname):
        return None  # "Marie CAF": an acronym after a word
    if lexicon.is_word(first) and not lexicon.is_usual_first_name(first):
        return None  # "Prime Rénov", "Action Logement": a rare first name that is a word
    # "France Duhamel" and "Noël Prigent" are people, "France Télévisions" is not
    institution = word_key(first) in INSTITUTION_WORDS | CALENDAR_WORDS
    names = [w for w in surname if word_key(w) not in PARTICLES]  # "Le Du" is all particles
    if institution and names and all(lexicon.is_word(w) and "." not in w for w in names):
        return None
    return bounds


def _lone_first_name(text: str, start: int, end: int, lexicon: Lexicon) -> bool:
    """A usual first name alone is a person ("Mathéo explique", "Merci à Kévin"), unless it
    follows an article or a preposition of country ("la Victoire", "en Israël"), or is also a
    word and opens a sentence or follows a preposition of place ("Rose", "à Noël")."""
    word = text[start:end]
    if not lexicon.is_usual_first_name(word) or word.isupper():
        return False
    if word.lower() in INSTITUTION_WORDS | CALENDAR_WORDS or after_article(text, start):
        return False
    before = word_before(text, start)
    if before in COUNTRY_PREPOSITIONS:
        return False  # "en Israël", "au Kenya": a place
    if lexicon.is_word(word) and (
        sentence_start(text, start) or before in PLACE_PREPOSITIONS or before[-1:].isdigit()
    ):
        return False  # "Rose", "de Franc", "à Noël"
    return not (end < len(text) and text[end] in "-'’")


def _outside_a_name(text: str, start: int) -> bool:
    """True where a first name cannot start a person's name: after a place word ("rue
    Victor Hugo"), a law ("la loi Sapin"), a saint ("Saint Martin") or inside a run of
    capitalised words ("Communauté Urbaine Creusot"), a title aside ("M. Jean Dupuis" is
    the civility's)."""
    if after_place_word(text, start) or after_word(text, start, LAW_WORDS | PLACE_PREFIXES):
        return True
    before = _CAPITALISED_BEFORE.search(text[max(0, start - 40) : start])
    if before is None:
        return False
    if word_before(text, start) in TITLE_WORDS:
        return False
    return not sentence_start(text, start - len(before.group(0)))


def _first_and_surname(name: str, lexicon: Lexicon) -> bool:
    """True for "Gwenaëlle LE BIHAN": a capitalised first word, then a surname in capitals
    with a vowel (an acronym such as "CLSPD" has none or is known)."""
    words = name.split()
    if len(words) < 2 or words[0].isupper():
        return False
    if lexicon.is_word(words[0]) and not lexicon.is_usual_first_name(words[0]):
        return False  # "Les CCAS", "Résidences EHPAD": a word, then an acronym
    surname = "".join(words[1:])
    if len(surname) < 3 or not any(c in "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ" for c in surname):
        return False
    # after a word that is no first name ("Tourcoing ANRU"), the capitals must be a surname
    return lexicon.is_first_name(words[0]) or lexicon.is_surname(" ".join(words[1:]))
