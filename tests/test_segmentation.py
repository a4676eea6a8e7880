"""Tests of analysis.segmentation: normalisation, paragraphs and headings, segments."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import schema
from analysis.corpus import load_corpus
from analysis.nlp import load_pipeline
from analysis.segmentation import (
    SegmentationError,
    SegmentationWarning,
    count_words,
    is_web_artefact,
    normalise,
    segment_documents,
    sentence_from_its_start,
    split_paragraphs,
    split_sentences,
    typed_line_breaks,
    without_item_mark,
)

NOTE = """## Constats

Les communes de l’agglomération peinent à recruter des policiers municipaux. Les candidats \
formés partent vers les villes voisines, qui offrent un régime indemnitaire plus favorable.

Une commune a perdu sept agents en dix-huit mois, dont cinq formés à ses frais.

## Freins identifiés

Le coût de la formation initiale pèse sur les petites communes, qui hésitent à recruter des \
agents sans expérience. Les délais d’inscription au centre de formation dépassent souvent six \
mois. Les élus regrettent de ne disposer d’aucun recours lorsque l’agent part dès la fin de sa \
formation. Plusieurs directeurs demandent une règle de remboursement claire entre communes.

## Propositions

- Mutualiser la formation à l’échelle intercommunale.

- Imposer le remboursement des frais de formation par la commune qui recrute.
"""

WORD_NOTE = """Freins identifiés

Le tribunal manque de postes de travail d'intérêt général dans les services municipaux, et les \
tuteurs disponibles sont trop peu nombreux.

Propositions :

Créer une plateforme départementale qui recense les postes offerts et forme les tuteurs.

Partager

Imprimer"""


def _documents(**texts: str) -> pd.DataFrame:
    ids = list(texts)
    return pd.DataFrame(
        {
            schema.DOC_ID: ids,
            schema.CONCERTATION_ID: ["C01-nimes-2021"] * len(ids),
            schema.CITY: ["Nîmes"] * len(ids),
            schema.DATE: pd.to_datetime(["2021-06-17"] * len(ids)),
            schema.DOC_TYPE: ["note_restitution"] * len(ids),
            schema.TITLE: [f"Note {i}" for i in ids],
            schema.TEXT: list(texts.values()),
            schema.ATELIER: ["polices_municipales"] * len(ids),
        }
    )


# --- normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("l’espace public", "l'espace public"),
        ("les élus d‘une commune", "les élus d'une commune"),
        (
            "la commission «\u00a0Sécurité et prévention\u00a0»",
            'la commission " Sécurité et prévention "',
        ),
        ("Constat\u202f: une hausse de 12\u00a0%", "Constat : une hausse de 12 %"),
        ("la poli\u00adce muni\u200bcipale", "la police municipale"),
        (
            "Des élus &amp; des magistrats&nbsp;: l&rsquo;accord",
            "Des élus & des magistrats : l'accord",
        ),
        (
            "<p>Les <strong>médiateurs</strong> de nuit.</p><br/>Suite",
            "Les médiateurs de nuit. Suite",
        ),
        ("Avant<script>var x = 1;</script> après", "Avant après"),
        ("Voir https://www.example.org/actualites/2021/nimes. Fin", "Voir . Fin"),
        ("Écrire à secretariat@example.org pour s'inscrire", "Écrire à pour s'inscrire"),
        ("## Freins identifiés\n\nLe texte", "Freins identifiés\n\nLe texte"),
        ("Un **point clé** et un [lien](https://example.org)", "Un point clé et un lien"),
        ("trop   d'espaces \t ici\n\n\n\nfin", "trop d'espaces ici\n\nfin"),
        ("Le texte.\n\nPartager\n\nImprimer\n\nRetour aux actualités", "Le texte."),
        ("Le texte.\n\nCe site utilise des cookies. Accepter les cookies", "Le texte."),
        (
            "Partager l'information avec le maire reste difficile.",
            "Partager l'information avec le maire reste difficile.",
        ),
        ("Les attentes sont fortes…", "Les attentes sont fortes..."),
        ("", ""),
    ],
)
def test_normalise_cleans_web_and_office_text(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Le 17 juin 2021, la Ville de Nîmes a accueilli « la concertation » d’été.\n\nPartager",
        "<div>Les bailleurs&nbsp;sociaux</div> https://example.org",
    ],
)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


def test_web_leftovers_can_be_kept_for_word_lists() -> None:
    assert normalise("partager", strip_web_artefacts=False) == "partager"
    assert normalise("partager") == ""


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Partager", True),
        ("Imprimer", True),
        ("Retour aux actualités", True),
        ("Partager : Facebook | LinkedIn", True),
        ("Share", True),
        ("Ce site utilise des cookies pour mesurer l'audience.", True),
        ("© Association des grandes villes", True),
        ("Partager l'information entre la préfecture et le maire.", False),
        ("Propositions", False),
        ("Le retour d'expérience des Jeux a été partagé.", False),
    ],
)
def test_web_artefacts_are_recognised(line: str, expected: bool) -> None:
    assert is_web_artefact(line) is expected


@pytest.mark.parametrize(
    ("typographic", "straight", "word"),
    [
        ("Le nombre d’élus présents a doublé.", "Le nombre d'élus présents a doublé.", "d'"),
        ("Ils occupent l’espace public la nuit.", "Ils occupent l'espace public la nuit.", "l'"),
    ],
)
def test_normalised_apostrophes_lemmatise_like_straight_ones(
    typographic: str, straight: str, word: str
) -> None:
    nlp = load_pipeline()
    normalised = nlp(normalise(typographic))
    reference = nlp(straight)
    assert [t.lemma_ for t in normalised] == [t.lemma_ for t in reference]
    elided = next(t for t in normalised if t.text == word)
    assert elided.lemma_ in {"de", "le"}


# --- sentences and words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "M. le préfet a répondu. Les élus attendent.",
            ["M. le préfet a répondu.", "Les élus attendent."],
        ),
        (
            "L'art. 40 impose un signalement. Le parquet répond peu !",
            ["L'art. 40 impose un signalement.", "Le parquet répond peu !"],
        ),
        (
            "Une hausse de 12.5 points ? Oui. « Trop tard. » Les maires insistent.",
            ["Une hausse de 12.5 points ?", "Oui.", "« Trop tard. »", "Les maires insistent."],
        ),
        (
            "Les propositions :\n- former les tuteurs\n- créer des postes",
            ["Les propositions :", "- former les tuteurs", "- créer des postes"],
        ),
        ("pas de point final", ["pas de point final"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def _sentences(text: str) -> list[str]:
    return [" ".join(text[s:e].split()) for s, e in split_sentences(text)]


def _real_body(decidim_export: pd.DataFrame, part: str) -> str:
    bodies = decidim_export["body"].dropna().str.replace("\r\n", "\n")
    found = bodies[bodies.str.contains(part, regex=False)]
    assert len(found) == 1, part
    return found.iloc[0]


def test_a_line_typed_without_its_full_stop_ends_a_sentence(decidim_export) -> None:
    # Decidim proposal 661: a title line, then "Dans ce sens, …" on the next line, no full stop
    text = _real_body(decidim_export, 'Il est maintenant temps de "réinvestir" le capitalisme')
    sentences = _sentences(text)
    assert sentences[0] == 'Il est maintenant temps de "réinvestir" le capitalisme'
    assert sentences[1] == "Dans ce sens, il est maintenant urgent de veiller à :"


@pytest.mark.parametrize(
    "line",  # real Decidim proposals whose author ended a sentence with the line, no full stop
    ["Bercy révèle que", "Trop rémunérés même", "La France est en retard", "Jamais nos sociétés"],
)
def test_real_lines_typed_as_sentences_are_cut(decidim_export, line: str) -> None:
    sentences = _sentences(_real_body(decidim_export, line))
    assert any(sentence.startswith(line) for sentence in sentences), sentences


@pytest.mark.parametrize(
    "text",
    [
        "Nous avons rencontré la procureure Cécile\nDarnaud et les élus du quartier.",
        "Les médiateurs de la ville de\nToulouse interviennent le soir.",
        "Le CLSPD se réunit chaque trimestre et\nLes partenaires y viennent peu.",
        "Les maires demandent des moyens,\nDes postes et des formations.",
    ],
)
def test_a_line_cut_inside_a_sentence_runs_on(text: str) -> None:
    assert typed_line_breaks(text) == []
    assert len(split_sentences(text)) == 1


def test_a_line_ending_on_its_full_stop_is_cut_once() -> None:
    text = "Les médiateurs manquent.\nLes élus le savent"
    assert typed_line_breaks(text) == []  # the full stop is split_sentences' own rule
    assert _sentences(text) == ["Les médiateurs manquent.", "Les élus le savent"]


def test_text_wrapped_at_a_width_is_not_cut_at_its_lines(decidim_export) -> None:
    """An e-mail or a text file wraps its lines at a width: a line then starts with a capital
    when a name, an acronym or a sentence does, and its breaks say nothing. No real proposal
    wrapped at 60 characters is cut at a line (without the test of wrapped blocks, seven of
    them would be: "…96 départements métropolitains et 11 DOM⏎TOM. Ces collectivités…")."""
    import textwrap

    wrapped_any = 0
    for text in decidim_export["body"].dropna():
        flat = " ".join(text.split())
        wrapped = textwrap.fill(flat, width=60, break_on_hyphens=False, break_long_words=False)
        wrapped_any += wrapped.count("\n") >= 3
        assert typed_line_breaks(wrapped) == [], flat[:60]
    assert wrapped_any >= 100


@pytest.mark.parametrize(
    ("text", "expected"), [("d'élus", 2), ("Le CLSPD a 12 membres.", 5), ("", 0), ("— ; !", 0)]
)
def test_count_words(text: str, expected: int) -> None:
    assert count_words(text) == expected


# --- paragraphs and headings --------------------------------------------------------------------


def test_paragraphs_skip_markdown_headings_and_carry_them() -> None:
    paragraphs = split_paragraphs(NOTE)
    assert [p.index for p in paragraphs] == [0, 1, 2, 3, 4]
    assert [p.heading for p in paragraphs] == [
        "Constats",
        "Constats",
        "Freins identifiés",
        "Propositions",
        "Propositions",
    ]
    for paragraph in paragraphs:
        assert NOTE[paragraph.start : paragraph.end] == paragraph.text
    assert paragraphs[3].text == "- Mutualiser la formation à l’échelle intercommunale."


def test_unmarked_headings_are_detected_in_plain_documents() -> None:
    paragraphs = split_paragraphs(WORD_NOTE)
    assert [p.text.split()[0] for p in paragraphs] == ["Le", "Créer", "Partager", "Imprimer"]
    assert [p.heading for p in paragraphs] == ["Freins identifiés"] + ["Propositions"] * 3


@pytest.mark.parametrize(
    "text",
    [
        # a list of short lines is not a series of headings
        "Participants\n\nÉlus\n\nMagistrats\n\nCoordonnateurs",
        # short lines ending with a full stop are sentences
        "Les élus ont parlé.\n\nLe texte suit ici avec une phrase complète.",
        # in a Markdown document only '#' lines are headings
        "## Constats\n\nEn bref\n\nLa hausse des rixes inquiète les élus du quartier.",
    ],
)
def test_short_lines_that_are_not_headings_stay_paragraphs(text: str) -> None:
    blocks = [b for b in text.split("\n\n") if not b.startswith("#")]
    assert [p.text for p in split_paragraphs(text)] == blocks


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_short_contributions_of_a_plain_file_are_not_headings(decidim_export) -> None:
    """The real Decidim bodies, one per paragraph, as a .txt or a PDF of contributions
    gives them: a third of them end without a full stop, so a short one ("Rétablissement de
    l'ISF", between two others) is a whole contribution, not a heading; it was taken for one,
    and left out of every segment."""
    bodies = [_one_line(t) for t in decidim_export["body"].dropna()]
    paragraphs = split_paragraphs("\n\n".join(bodies))
    assert [p.text for p in paragraphs] == bodies
    assert {p.heading for p in paragraphs} == {""}


def test_a_note_that_ends_its_sentences_keeps_its_unmarked_headings(decidim_export) -> None:
    """Real paragraphs that all end with a full stop, under two short lines: those are
    headings, as in a Word note."""
    bodies = [_one_line(t) for t in decidim_export["body"].dropna()]
    closed = [b for b in bodies if b.endswith(".") and len(b.split()) > 8][:6]
    text = "\n\n".join(["Constats", *closed[:3], "Propositions :", *closed[3:]])
    paragraphs = split_paragraphs(text)
    assert [p.text for p in paragraphs] == closed
    assert [p.heading for p in paragraphs] == ["Constats"] * 3 + ["Propositions"] * 3


def test_the_first_line_of_a_table_row_is_never_a_heading(real_dir, tmp_path) -> None:
    """A row of an export is one contribution: its first line, short and without a full stop
    ("Assurer des recettes publiques suffisantes", then the body), is part of it. It was read
    as a heading and left out of the analysis (ids 774 and 775 of the Decidim export)."""
    export = tmp_path / "decidim.csv"
    export.write_bytes((real_dir / "lille-propositions-decidim.csv").read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(export, text_column="body", id_column="id")
    segments = segment_documents(documents)
    first = segments[segments[schema.DOC_ID] == "774"].iloc[0]
    assert first[schema.TEXT] == "Assurer des recettes publiques suffisantes"
    assert (segments[schema.HEADING] == "").all()


def test_heading_glued_to_its_paragraph_and_hashtags() -> None:
    text = "## Demandes à l’État\nLes maires demandent un référent.\n\n#JO2024 a mobilisé les CRS."
    paragraphs = split_paragraphs(text)
    assert [p.text for p in paragraphs] == [
        "Les maires demandent un référent.",
        "#JO2024 a mobilisé les CRS.",
    ]
    assert paragraphs[0].heading == "Demandes à l’État"
    assert paragraphs[1].index == 1


def test_paragraph_numbers_match_the_gold_annotations(corpus_dir) -> None:
    annotations_file = corpus_dir / "annotations.csv"
    if not annotations_file.is_file():
        pytest.skip("the sample corpus has no annotations yet")
    from analysis.corpus import load_corpus

    texts = load_corpus(corpus_dir).set_index(schema.DOC_ID)[schema.TEXT]
    annotations = pd.read_csv(annotations_file)
    paragraphs = {doc_id: split_paragraphs(text) for doc_id, text in texts.items()}
    for row in annotations.itertuples():
        found = paragraphs[row.doc_id]
        assert found[row.paragraph].text.startswith(str(row.text_start)), row
    per_document = annotations.groupby(schema.DOC_ID).size().to_dict()
    assert per_document == {doc_id: len(p) for doc_id, p in paragraphs.items()}


# --- segments -----------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["document", "paragraph", "segment"])
def test_segments_keep_the_exact_source_text(unit: str) -> None:
    documents = _documents(note=NOTE, word=WORD_NOTE)
    segments = segment_documents(documents, unit=unit)
    texts = documents.set_index(schema.DOC_ID)[schema.TEXT]
    for row in segments.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text
    assert list(segments.columns) == [
        *schema.SEGMENT_COLUMNS,
        schema.N_WORDS,
        schema.DOC_TYPE,
        schema.TITLE,
        schema.ATELIER,
    ]
    assert segments[schema.DATE].dtype == documents[schema.DATE].dtype
    assert segments[schema.SEGMENT_ID].is_unique


@pytest.mark.parametrize(
    ("unit", "first_id"),
    [("document", "note#doc"), ("paragraph", "note#p000"), ("segment", "note#p000s00")],
)
def test_segment_ids_are_stable_and_sorted(unit: str, first_id: str) -> None:
    documents = _documents(word=WORD_NOTE, note=NOTE)
    segments = segment_documents(documents, unit=unit)
    assert segments[schema.SEGMENT_ID].iloc[0] == first_id
    assert segments[schema.SEGMENT_ID].tolist() == sorted(segments[schema.SEGMENT_ID])
    for _, group in segments.groupby(schema.DOC_ID):
        assert group[schema.POSITION].tolist() == list(range(len(group)))
    shuffled = segment_documents(documents.iloc[::-1], unit=unit)
    pd.testing.assert_frame_equal(segments, shuffled)


def test_segments_follow_headings_and_paragraphs() -> None:
    segments = segment_documents(_documents(note=NOTE), unit="segment", segment_size=40)
    under_freins = segments[segments[schema.HEADING] == "Freins identifiés"]
    assert set(under_freins[schema.PARAGRAPH]) == {2}
    assert under_freins[schema.TEXT].str.contains("formation initiale").any()
    paragraphs = {p.index: p for p in split_paragraphs(NOTE)}
    for row in segments.itertuples():
        paragraph = paragraphs[row.paragraph]
        assert paragraph.start <= row.start < row.end <= paragraph.end


def test_segments_are_about_forty_words_cut_at_sentence_ends() -> None:
    sentence = (
        "Les médiateurs de nuit sillonnent les quartiers prioritaires et vont au-devant des "
        "groupes de jeunes réunis au pied des immeubles."
    )
    paragraph = " ".join([sentence] * 8)  # 8 sentences of 19 words
    segments = segment_documents(_documents(note=paragraph), segment_size=40)
    assert len(segments) == 4
    assert segments[schema.N_WORDS].between(20, 60).all()
    assert segments[schema.TEXT].str.endswith("immeubles.").all()
    assert " ".join(segments[schema.TEXT]) == paragraph


def test_a_sentence_is_cut_only_beyond_twice_the_size() -> None:
    long_sentence = ", ".join(["les agents de la police municipale patrouillent le soir"] * 7) + "."
    assert 60 < count_words(long_sentence) < 80
    assert len(segment_documents(_documents(note=long_sentence), segment_size=40)) == 1
    longer = ", ".join(["les agents de la police municipale patrouillent le soir"] * 12) + "."
    pieces = segment_documents(_documents(note=longer), segment_size=40)
    assert len(pieces) > 1
    assert pieces[schema.TEXT].iloc[:-1].str.endswith(",").all()  # cut at commas


def test_a_paragraph_without_punctuation_is_cut_with_a_warning() -> None:
    words = "les élus demandent des moyens pour la médiation sociale dans les quartiers "
    flood = (words * 500).strip()  # 6,000 words, no punctuation
    with pytest.warns(SegmentationWarning, match="« flood ».*coupée tous les 40 mots"):
        segments = segment_documents(_documents(flood=flood), segment_size=40)
    assert count_words(flood) == 6000
    assert len(segments) == 150
    assert segments[schema.N_WORDS].max() <= 40
    assert segments[schema.SEGMENT_ID].iloc[-1] == "flood#p000s149"
    assert segments[schema.SEGMENT_ID].is_monotonic_increasing
    assert re.sub(r"\s+", " ", " ".join(segments[schema.TEXT])) == flood


def test_a_short_last_sentence_joins_the_previous_segment() -> None:
    text = " ".join(["Les bailleurs sociaux signalent des occupations de halls chaque soir."] * 4)
    segments = segment_documents(_documents(note=text + " Merci."), segment_size=20, min_words=3)
    assert segments[schema.TEXT].iloc[-1].endswith("chaque soir. Merci.")


@pytest.mark.parametrize("text", ["", "   \n\n  ", "## Constats\n\n## Propositions", None])
def test_a_document_without_segment_is_reported(text: str | None) -> None:
    documents = _documents(empty="x", full=NOTE)
    documents.loc[0, schema.TEXT] = text
    with pytest.warns(SegmentationWarning, match="Document « empty » : aucune unité « segment »"):
        segments = segment_documents(documents)
    assert set(segments[schema.DOC_ID]) == {"full"}


def test_a_paragraph_without_words_is_skipped_but_keeps_its_number() -> None:
    text = "Premier paragraphe sur la vidéoprotection.\n\n* * *\n\nTroisième paragraphe sur le CSU."
    with pytest.warns(SegmentationWarning, match=r"« note ».*\[1\]"):
        segments = segment_documents(_documents(note=text), unit="paragraph")
    assert segments[schema.PARAGRAPH].tolist() == [0, 2]


def test_web_leftovers_are_kept_as_their_own_units() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        segments = segment_documents(_documents(word=WORD_NOTE))
    assert segments[schema.TEXT].tolist()[-2:] == ["Partager", "Imprimer"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"unit": "sentence"}, r"\[segmentation\] unit = 'sentence' : unité inconnue"),
        ({"segment_size": 2}, r"\[segmentation\] segment_size = 2 :"),
        ({"min_words": -1}, r"\[segmentation\] min_words = -1 :"),
    ],
)
def test_bad_settings_raise(options: dict, message: str) -> None:
    with pytest.raises(SegmentationError, match=message):
        segment_documents(_documents(note=NOTE), **options)


def test_bad_tables_raise() -> None:
    documents = pd.concat([_documents(note=NOTE), _documents(note=WORD_NOTE)])
    with pytest.raises(schema.SchemaError, match="répète des valeurs de « doc_id » : « note »"):
        segment_documents(documents)
    with pytest.raises(schema.SchemaError, match="« text »"):
        segment_documents(_documents(note=NOTE).drop(columns=schema.TEXT))


def _real_text(real_dir: Path, contains: str) -> str:
    """The text of the one real document (Decidim export, then its IRaMuTeQ corpus) holding
    ``contains``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        decidim = load_corpus(
            real_dir / "lille-propositions-decidim.csv", text_column="body", id_column="id"
        )
        iramuteq = load_corpus(real_dir / "lille-propositions-iramuteq.txt")
    texts = pd.concat([decidim[schema.TEXT], iramuteq[schema.TEXT]])
    return texts[texts.str.contains(contains, regex=False)].iat[0]


def test_a_parsed_sentence_started_inside_a_phrase_goes_back_to_its_start(real_dir: Path) -> None:
    """Real proposals where spaCy's sentences start inside a phrase: after a comma (a piece of
    a long sentence the segmentation cut: "…de la République, | le Premier ministre…") and
    inside a name ("les pouvoirs publics et Pole | Emploi devront communiquer…"). The label
    goes back to the sentence's start. A sentence after a title glued to its text (IRaMuTeQ's
    "…travailleurs frontaliers | Rendre prioritaire…") or after a line break stays."""
    text = _real_text(real_dir, "Pole Emploi devront")
    parsed = text[text.index("Emploi devront") :].split(".")[0] + "."
    assert sentence_from_its_start(text, parsed).startswith(
        "Afin de faire changer les mentalités et les pratiques des recruteurs, les pouvoirs "
        "publics et Pole Emploi devront communiquer de manière affirmée"
    )
    assert sentence_from_its_start(text, parsed).endswith("devra être réprimée.")
    text = _real_text(real_dir, "le Premier ministre, le Gouvernement")
    parsed = "le Premier ministre, le Gouvernement, l’Assemblée Nationale, le Sénat…, décide"
    widened = sentence_from_its_start(text, parsed)
    assert widened.startswith("Je propose une réorganisation complète de nos institutions")
    assert widened.endswith(parsed)
    for glued in ("frontaliers Rendre prioritaire", "sociales Mettre en place"):
        text = _real_text(real_dir, glued)
        title_end = text.index(glued) + len(glued.split()[0])
        parsed = text[title_end:].strip().split(".")[0]
        assert sentence_from_its_start(text, parsed) == parsed, glued
    text = _real_text(real_dir, "concertation :\nil faut commencer")
    parsed = "il faut commencer par répondre à une série de question"
    assert sentence_from_its_start(text, parsed) == parsed


def test_a_list_item_typed_without_a_space_after_its_dash_is_a_sentence(real_dir: Path) -> None:
    """Real contributions type list items with the dash glued to the word ("-Les délégués…",
    "-Rétablir l’ISF", "-Interdisant les ventes…"): each item is a sentence, as "- item" is,
    and a line of its own for the typed-line rule. A dash before a number ("-5 %") is no
    item."""
    text = _real_text(real_dir, "référendum d'approbation\n-Les délégués")
    sentences = _sentences(text)
    assert any(s.endswith("soumis à un référendum d'approbation") for s in sentences)
    assert any(s.startswith("-Les délégués à l'Assemblée constituante") for s in sentences)
    for item in ("-Rétablir l’ISF", "-Forcer les entreprises", "-Interdisant les ventes"):
        text = _real_text(real_dir, item)
        starts = [text[s:e] for s, e in split_sentences(text)]
        assert any(s.startswith(item) for s in starts), item
    text = "Les loyers ont augmenté\n-5 % pour les logements sociaux seulement."
    assert len(split_sentences(text)) == 1


def test_list_items_marked_with_a_plus_or_a_number_and_a_slash_are_sentences(
    real_dir: Path,
) -> None:
    """Real contributions also mark their items "+ Arrêter…", "+Annuler…" (Decidim proposal 775)
    and "1/ suppression…", "2 / rétablissement…" (proposal 501): each item is a sentence, so
    that a list's lead-in ("Quelques pistes là aussi pour avancer…", no colon) no longer names
    the proposals its items make, and the mark is no part of a name."""
    text = _real_text(real_dir, "Quelques pistes là aussi pour avancer")
    sentences = _sentences(text)
    assert sentences[0].endswith("services publics de proximité")
    assert any(s.startswith("+ Arrêter les dépenses") for s in sentences)
    assert any(s.startswith("+ Stopper, dans la même démarche") for s in sentences)
    assert any(s.startswith("+Annuler le CICE") for s in sentences)
    text = _real_text(real_dir, "1/ suppression de la flat taxes")
    sentences = _sentences(text)
    assert "1/ suppression de la flat taxes ou augmentation du taux" in sentences
    assert any(s.startswith("2 / rétablissement de l isf") for s in sentences)
    assert len(split_sentences("Le 12/05\n12/05 il a dit oui.")) == 1  # a date is no item


@pytest.mark.parametrize(
    ("sentence", "without"),
    [
        ("+ Arrêter les dépenses", "Arrêter les dépenses"),
        ("+Annuler le CICE", "Annuler le CICE"),
        ("2 / rétablissement de l isf", "rétablissement de l isf"),
        ("1/ suppression de la flat taxes", "suppression de la flat taxes"),
        ("3) Créer un guichet", "Créer un guichet"),
        ("-Rétablir l’ISF", "Rétablir l’ISF"),
        ("+5 % en deux ans", "+5 % en deux ans"),
        ("2 000 euros par an", "2 000 euros par an"),
        ("5/« nous réduirons »", "5/« nous réduirons »"),
    ],
)
def test_a_sentence_loses_the_mark_of_its_list_item(sentence: str, without: str) -> None:
    assert without_item_mark(sentence) == without
