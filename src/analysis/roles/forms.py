"""The form of a sentence: how citizens write a proposal, a request or a title without the words
of the cue table.

Real contributions seldom say "il faut": they name the measure ("Suppression de la taxe…",
"Pour une école sans notes", "Non aux compteurs imposés"), say what is to be done ("une taxe
est à appliquer"), enjoin an authority ("Que l'État reconnaisse ce métier !"), ask ("Où en est
le projet ?") or give a bare title ("Transports et mobilité"); in a debate's comments they
answer "comment… ?" with a gerund ("En respectant les textes fondateurs") or reply with a bare
"oui". Each form is a :class:`Cue` found on a sentence of a parsed Doc (:func:`sentence_forms`).
Forms of weight 0 vote for no class: they are only features of the classifier
(:mod:`analysis.roles.classifier`), which learns from the labelled texts what they mean.

Example
-------
>>> [cue.name for cue, _ in sentence_forms(next(nlp("Suppression du second tour.").sents))]
['nom d’action en tête', 'sans verbe']
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from analysis import schema
from analysis.roles.cue_table import ADDRESSEE_LEMMAS, Cue
from analysis.roles.headings import fold

# Nouns that name a measure when they open a sentence or a title: "Suppression de…"
ACTION_NOUNS = frozenset(
    "abaissement abandon abolition abrogation adaptation allègement alignement amélioration "
    "application arrêt assouplissement incitation légalisation réorientation relance retour "
    "reconnaissance valorisation "
    "baisse blocage création développement diminution encadrement exonération extension "
    "fermeture fin fusion gel gratuité généralisation harmonisation indexation instauration "
    "interdiction investissement limitation mise modification mutualisation obligation "
    "ouverture plafonnement prise rationalisation rattachement recrutement redéfinition "
    "refonte remplacement rendre renforcement revalorisation rétablissement réduction "
    "réforme régulation simplification suppression sortie taxation transformation "
    "transparence uniformisation".split()
)

ACTION_NOUN = Cue("nom d’action en tête", schema.PROPOSITION, 1.0, ())
FOR_OR_AGAINST = Cue("pour / non à", schema.PROPOSITION, 1.0, ())
TO_BE_DONE = Cue("est à faire", schema.PROPOSITION, 1.5, ())
INJUNCTION = Cue("que l’État…", schema.DEMANDE, 2.5, ())
TITLE_INFINITIVE = Cue("infinitif de titre", schema.PROPOSITION, 1.5, ())
# features only (weight 0): the classifier learns what they mean
QUESTION = Cue("question", schema.DEMANDE, 0.0, ())
EXCLAMATION = Cue("exclamation", schema.FREIN, 0.0, ())
FIRST_PERSON = Cue("je / nous", schema.PROPOSITION, 0.0, ())
NO_VERB = Cue("sans verbe", schema.AUTRE, 0.0, ())
THEME_TITLE = Cue("intitulé de thème", schema.AUTRE, 0.0, ())
CONDITIONAL = Cue("conditionnel", schema.PROPOSITION, 0.0, ())
IMPERATIVE = Cue("impératif", schema.PROPOSITION, 0.0, ())
# answers of a debate's comments: "En respectant les textes fondateurs." names the means proposed
# (as an infinitive title does); "oui", "Excellente proposition !" say nothing on their own
GERUND = Cue("gérondif en tête", schema.PROPOSITION, 1.0, ())
BARE_REPLY = Cue("réponse seule", schema.AUTRE, 0.0, ())
# "Voici mes idées :", "il est urgent de veiller à :" ending the text: it announces a list that
# is not there (the list is the next segment), so it says nothing on its own
ANNOUNCES_LIST = Cue("annonce une liste", schema.AUTRE, 2.0, ())

FORM_CUES: tuple[Cue, ...] = (
    ACTION_NOUN,
    TITLE_INFINITIVE,
    FOR_OR_AGAINST,
    TO_BE_DONE,
    INJUNCTION,
    QUESTION,
    EXCLAMATION,
    FIRST_PERSON,
    NO_VERB,
    THEME_TITLE,
    CONDITIONAL,
    IMPERATIVE,
    GERUND,
    BARE_REPLY,
    ANNOUNCES_LIST,
)


def _words(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if not (t.is_punct or t.is_space) and t.text not in {"-", "*"}]


def _opening(words: list[Token]) -> list[Cue]:
    """Forms read on the first words: a measure named, "pour"/"non à", "Que l'État…"."""
    if not words:
        return []
    first = words[0]
    found = []
    if first.lemma_.lower() in ACTION_NOUNS and first.pos_ in {"NOUN", "PROPN", "ADJ", "VERB"}:
        if first.pos_ != "VERB" or "Inf" not in first.morph.get("VerbForm"):
            found.append(ACTION_NOUN)
    # the next word of the Doc: the parser sometimes ends a sentence after a capitalised
    # first word ("Taxer | les billets d'avion")
    following = [t for t in first.doc[first.i + 1 : first.i + 3] if not t.is_space]
    second = following[0].lower_ if following else ""
    if (first.lower_ == "pour" and second in {"un", "une", "des", "la", "le", "l'", "l’"}) or (
        first.lower_ == "non" and second in {"à", "au", "aux"}
    ):
        found.append(FOR_OR_AGAINST)
    if first.lower_ in {"que", "qu'", "qu’"} and any(
        t.lemma_.lower() in ADDRESSEE_LEMMAS or t.pos_ == "PROPN" or t.is_title for t in words[1:4]
    ):
        found.append(INJUNCTION)
    if _looks_infinitive(first, second) and ACTION_NOUN not in found:
        found.append(TITLE_INFINITIVE)
    return found


_WORD_OF_REPLY = re.compile(r"[^\W\d_]+")
_TITLE_WORDS = 12
_CONDITIONAL = ("rait", "raient", "rions", "riez")
_DETERMINERS = frozenset("le la les l' l’ un une des du de d' d’ ses son sa leur leurs nos".split())
# first words in -er, -ir, -re before a determiner that are no infinitive: "Encore une fausse bonne
# idée", "Pouvoir d'achat des retraités" (a title naming a theme), "Nombre de communes"
_NOT_VERBS = frozenset(
    "entre contre notre votre autre premier dernier cher fier hier encore outre voire pouvoir "
    "nombre cahier quartier dossier".split()
)


def _looks_infinitive(first: Token, second: str) -> bool:
    """A first word that reads as an infinitive before a determiner, whatever the tagger said
    ("Modifier la loi": a capitalised title word is often tagged as a noun)."""
    word = first.lower_
    tagged = first.pos_ == "VERB" and "Inf" in first.morph.get("VerbForm")
    return (
        not tagged  # the infinitive cue of analysis.roles.cues has it already
        and word.endswith(("er", "ir", "re"))
        and len(word) > 4
        and word not in _NOT_VERBS
        and second in _DETERMINERS
    )


# the words of a reply that says nothing but yes, no or agreement ("évidemment oui",
# "Excellente proposition !", "bien sûr que je suis d'accord"), accents folded
_REPLY_WORDS = frozenset(
    "oui non ok d accord evidemment absolument bien sur que tout a fait exactement bravo merci "
    "bonne excellente idee proposition entierement completement je suis pour contre".split()
)
_REPLY_MAX_WORDS = 8


def is_bare_reply(doc: Doc) -> bool:
    """A text of a few words of agreement or refusal only: "oui", "Évidemment", "bonne idée".

    The whole text is read, not a sentence alone: in "Absolument. Chaque vote doit être pris
    en compte" the reply introduces a proposal.
    """
    return _is_reply_text(doc.text)


def _is_reply_text(text: str) -> bool:
    """:func:`is_bare_reply` of a whole text. A long text is not folded: it is ruled out by
    its first chunks (:func:`_more_words_than`)."""
    if _more_words_than(text, _REPLY_MAX_WORDS):
        return False
    words = _WORD_OF_REPLY.findall(fold(text))
    return 0 < len(words) <= _REPLY_MAX_WORDS and all(w in _REPLY_WORDS for w in words)


_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _more_words_than(text: str, n: int) -> bool:
    """Whether ``text`` holds more than ``n`` whitespace-separated chunks with an ASCII
    letter. Each such chunk holds at least one word of the folded text (folding keeps ASCII
    letters and whitespace), so the folded text has more than ``n`` words; the count stops
    there."""
    found = 0
    for chunk in text.split():
        if _ASCII_LETTER.search(chunk):
            found += 1
            if found > n:
                return True
    return False


def _gerund_opening(words: list[Token]) -> bool:
    """ "En respectant…", "En n'oubliant pas…": "en" then a present participle."""
    following = [t for t in words[1:3] if t.lower_ not in {"n'", "n’", "ne"}]
    if words[0].lower_ != "en" or not following:
        return False
    verb = following[0]
    return verb.is_alpha and len(verb) > 4 and verb.lower_.endswith("ant")


def _to_be_done(words: list[Token]) -> bool:
    """ "… est à appliquer", "… reste à engager": être + à + an infinitive."""
    return any(
        a.lemma_ in {"être", "rester"} and b.lower_ == "à" and "Inf" in c.morph.get("VerbForm")
        for a, b, c in zip(words, words[1:], words[2:], strict=False)
    )


def _announces_list(sentence: Span, tokens: list[Token]) -> bool:
    """The last sentence of its text ends with a colon: "Voici mes propositions :"
    (``tokens``: the sentence's)."""
    doc = sentence.doc
    if any(not doc[i].is_space for i in range(sentence.end, len(doc))):
        return False  # a later sentence (spaces only do not count)
    ending = [t for t in tokens if not t.is_space]
    return bool(ending) and ending[-1].text == ":"


def sentence_forms(
    sentence: Span, tokens: list[Token] | None = None, *, bare_reply: bool | None = None
) -> list[tuple[Cue, int]]:
    """The forms of one sentence, each with the token where it is found.

    Parameters
    ----------
    sentence
        A sentence of a Doc parsed by a French pipeline (lemmas, parts of speech, morphology).
    tokens
        ``list(sentence)``, when the caller has it (each pass over a Span makes its Tokens
        anew).
    bare_reply
        Whether the sentence's whole text is a bare reply (:func:`is_bare_reply`), when the
        caller knows it: a caller listing the sentences of a long text reads the text once.

    Returns
    -------
    list of (Cue, int)
        The forms found (a cue of :data:`FORM_CUES`) and a token index in the Doc.
    """
    tokens = list(sentence) if tokens is None else tokens
    words = _words(tokens)
    if not words:
        return []
    at = words[0].i
    found = [(cue, at) for cue in _opening(words)]
    if _gerund_opening(words):
        found.append((GERUND, at))
    if is_bare_reply(sentence.doc) if bare_reply is None else bare_reply:
        found.append((BARE_REPLY, at))
    if _to_be_done(words):
        found.append((TO_BE_DONE, at))
    if _announces_list(sentence, tokens):
        found.append((ANNOUNCES_LIST, at))
    marks = {t.text for t in tokens}
    if sentence.text.rstrip().endswith("?") or "?" in marks:
        found.append((QUESTION, at))
    if "!" in marks:
        found.append((EXCLAMATION, at))
    if any(t.lower_ in {"je", "j'", "j’", "nous"} for t in words):
        found.append((FIRST_PERSON, at))
    verbs = [t for t in words if t.pos_ in {"VERB", "AUX"}]
    moods = [t.morph.get("Mood") for t in verbs]
    if not verbs:
        found.append((NO_VERB, at))
        named = {ACTION_NOUN, FOR_OR_AGAINST, TITLE_INFINITIVE}
        if len(words) <= _TITLE_WORDS and not any(cue in named for cue, _ in found):
            # "Transports et mobilité": names a theme, not a measure
            found.append((THEME_TITLE, at))
    # the small model often tags "faudrait", "aurait" as indicative: the ending tells
    if any("Cnd" in m for m in moods) or any(t.lower_.endswith(_CONDITIONAL) for t in verbs):
        found.append((CONDITIONAL, at))
    if any("Imp" in mood for mood in moods):
        found.append((IMPERATIVE, at))
    return found
