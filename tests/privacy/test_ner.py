"""Tests of analysis.privacy.ner: the spaCy pipeline name protection needs."""

from __future__ import annotations

import re

import pytest

from analysis.privacy import NameProtectionError, load_ner
from analysis.privacy.lexicon import Lexicon
from analysis.privacy.ner import entities_by_key, may_name_a_person, ner_spans
from analysis.privacy.words import place_context


def test_a_missing_model_says_how_to_install_it_or_turn_protection_off() -> None:
    with pytest.raises(NameProtectionError, match="pip install fr-modele-absent") as raised:
        load_ner("fr_modele_absent")
    assert "protect_names = false" in str(raised.value)


@pytest.fixture(scope="module")
def ner_pipeline():
    return load_ner()


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Les élus ont présenté les chiffres du contrat de ville.", False),
        ("augmenter le nombre de médiateurs dans les quartiers", False),
        ("Sophie a présenté les chiffres du contrat de ville.", True),
        ("Kerbrat a présenté les chiffres.", True),
        ("La police municipale de Metz recrute.", True),
        ("un agent ENEDIS est passé", True),
        ("Les élus ont parlé. Des solutions existent : « Rien » ne change.", False),
        ("Les élus ont parlé. Sophie a présenté les chiffres.", True),
        ("Les élus ont parlé (Kerbrat a présenté les chiffres).", True),
        ("Les élus ont parlé de la Métropole.", True),
        ("Je suis tout à fait d'accord 👍", False),
        ("Un avis de 𐐀 sur le projet", True),
    ],
)
def test_only_texts_that_may_hold_a_name_are_read(ner_pipeline, text: str, read: bool) -> None:
    assert may_name_a_person(text, Lexicon(ner_pipeline)) is read


def test_texts_left_unread_hold_no_name_spacy_would_give(ner_pipeline, decidim_export) -> None:
    """On the real Decidim export (bodies cut into sentences): spaCy's PER entities of every
    sentence left unread give no kept name, so leaving them out changes no protection; and a
    sizeable share is left out (the point of it)."""
    sentences = sorted(
        {
            " ".join(part.split())
            for body in decidim_export["body"].dropna()
            for part in re.split(r"(?<=[.!?])\s+|\n+", body)
            if part.strip()
        }
    )
    lexicon = Lexicon(ner_pipeline)
    unread = [s for s in sentences if not may_name_a_person(s, lexicon)]
    assert len(unread) >= len(sentences) // 5
    keep: frozenset[str] = frozenset()
    for doc in ner_pipeline.pipe(unread):
        entities = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        assert ner_spans(doc.text, entities, keep, lexicon)[0] == [], doc.text
    found = entities_by_key({str(i): s for i, s in enumerate(unread)}, ner_pipeline, 64)
    assert all(entities == [] for entities in found.values())


def test_paragraphs_whose_capitals_open_sentences_are_left_unread(
    ner_pipeline, decidim_export
) -> None:
    """On the real Decidim export's paragraphs: those whose capitals all open a sentence on a
    word that is no name are left unread, more than a third of the characters; spaCy finds
    in them no name that would be kept and no place a name could be confused with (a
    capitalised word after « à », « de »...)."""
    paragraphs = sorted(
        {
            " ".join(part.split())
            for body in decidim_export["body"].dropna()
            for part in body.splitlines()
            if part.strip()
        }
    )
    lexicon = Lexicon(ner_pipeline)
    unread = [p for p in paragraphs if not may_name_a_person(p, lexicon)]
    assert sum(map(len, unread)) > sum(map(len, paragraphs)) / 3
    assert any(re.search(r"[.!?] [A-Z]", p) for p in unread)  # several sentences
    keep: frozenset[str] = frozenset()
    for doc in ner_pipeline.pipe(unread):
        entities = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        kept, places = ner_spans(doc.text, entities, keep, lexicon)
        assert kept == [], doc.text
        assert not [
            (start, label)
            for start, _, label in places
            if doc.text[start].isupper() and place_context(doc.text, start)
        ], doc.text
