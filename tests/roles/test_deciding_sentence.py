"""The sentence that decides a segment's function, and the labels it gives groups and fiches.

A contribution often opens on a finding and proposes further on ("La vulnérabilité des
Français au prix des carburants est un fait. Des mesures doivent…"): the fiches name its
proposal by the proposing sentence, not by the finding.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from factories import first_segment_halved, quiet, role_segments, tracing_segments
from spacy.language import Language

from analysis import schema
from analysis.config import AnalysisConfig, FunctionsConfig, TracingConfig
from analysis.corpus import load_corpus
from analysis.nlp import load_pipeline, prepare_segments
from analysis.roles import classify_functions, doc_lemmas
from analysis.roles.classify import _whole_phrase
from analysis.segmentation import normalise, split_documents
from analysis.tracing.groups import canonical_groups

DECIDIM = "lille-propositions-decidim.csv"


@pytest.fixture(scope="module")
def real_bodies(real_dir: Path) -> pd.Series:
    with warnings.catch_warnings():  # a duplicate, no city and no date: said elsewhere
        warnings.simplefilter("ignore")
        documents = load_corpus(real_dir / DECIDIM, text_column="body", id_column="id")
    return documents[schema.TEXT]


def _classed(texts: list[str], nlp: Language) -> pd.DataFrame:
    segments = role_segments(texts)
    segments[schema.LEMMAS] = [doc_lemmas(doc) for doc in nlp.pipe(texts)]
    return classify_functions(segments, nlp, config=FunctionsConfig())


def _body(bodies: pd.Series, start: str) -> str:
    found = bodies[bodies.str.startswith(start)]
    assert len(found) == 1, start
    return found.iloc[0]


def test_a_real_contribution_is_named_by_its_proposing_sentence(
    real_bodies: pd.Series, french_nlp: Language
) -> None:
    text = _body(real_bodies, "On ne compte plus le nombre de services en ligne")
    classed = _classed([text], french_nlp).iloc[0]
    assert classed[schema.FUNCTION] == schema.PROPOSITION
    # the finding that opens it is not what it proposes
    assert classed[schema.FUNCTION_SENTENCE].startswith("D’office on devrait en conserver 6")


def test_the_deciding_sentence_is_a_sentence_of_the_segment(
    real_bodies: pd.Series, french_nlp: Language
) -> None:
    text = _body(real_bodies, "La vulnérabilité des Français au prix des carburants")
    classed = _classed([text], french_nlp).iloc[0]
    deciding = classed[schema.FUNCTION_SENTENCE]
    assert classed[schema.FUNCTION] == schema.PROPOSITION
    assert deciding and deciding in " ".join(text.split())
    assert not deciding.startswith("La vulnérabilité")


def test_without_a_cue_a_proposal_is_named_by_the_sentence_read_most_as_one(
    real_bodies: pd.Series, french_nlp: Language
) -> None:
    text = _body(real_bodies, "En France on compte 500 000 élus")
    classed = _classed([text], french_nlp).iloc[0]
    assert classed[schema.FUNCTION] == schema.PROPOSITION
    assert "(proposition)" not in classed[schema.FUNCTION_REASON]  # no cue voted for it
    # not its figures ("Cela représente la bagatelle de 2 milliards d'euros…")
    assert classed[schema.FUNCTION_SENTENCE].startswith("Cette masse doit être réduite")


def test_a_sentence_read_alone_is_read_by_its_words(real_dir: Path, french_nlp: Language) -> None:
    """The last segment of a real proposal ("…départements, régions et État. Le chef de
    l'État, également élu avec un mandat impératif, serait simplement le garant du bon
    fonctionnement de cette organisation). Cela suppose de réécrire (ensemble) la
    Constitution.") was named by its last sentence, which read alone is no proposal: its
    sentences were read without their words' lemmas."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(real_dir / DECIDIM, text_column="body", id_column="id")
    segments = split_documents(documents, AnalysisConfig())
    text = segments.loc[segments[schema.TEXT].str.contains("réécrire (ensemble)", regex=False)]
    classed = _classed([text[schema.TEXT].item()], french_nlp).iloc[0]
    assert classed[schema.FUNCTION] == schema.PROPOSITION
    assert "(proposition)" not in classed[schema.FUNCTION_REASON]  # no cue voted for it
    named = classed[schema.FUNCTION_SENTENCE]
    assert named.startswith("Le chef de l’État")
    assert _classed([named], french_nlp).iloc[0][schema.FUNCTION] == schema.PROPOSITION


def test_a_proposal_is_not_named_by_the_sentence_announcing_its_list(
    real_bodies: pd.Series,
) -> None:
    # Decidim proposal 661: a title line, "Dans ce sens, il est maintenant urgent de veiller
    # à :" on the next line, then the measures; the labelling guide calls such an announcement
    # "autre". Its fiche was named "…réinvestir" le capitalisme Dans ce sens, il est maintenant
    # urgent de veiller à :" while the title line was glued to the announcement.
    text = _body(real_bodies, 'Il est maintenant temps de "réinvestir" le capitalisme')
    first = text[: text.index("- Le rétablissement")].strip()  # the workbook's first segment
    classed = _classed([first], load_pipeline()).iloc[0]  # the workbook's sentences
    assert classed[schema.FUNCTION] == schema.PROPOSITION
    name = classed[schema.FUNCTION_SENTENCE]
    assert name and not name.endswith(":") and "Dans ce sens" not in name, name


def test_a_sentence_announcing_a_list_does_not_name_it_alone() -> None:
    # sentences of Nancy proposals 358 and 359, shortened
    texts = [
        "Ensuite, pour une fiscalité plus juste, il faudrait :\n- revoir les tranches "
        "marginales d'imposition en fonction des revenus\n- introduire une participation "
        "universelle à l'impôt",
        "Pour cela, je propose :\n- de fusionner les organismes publics\n- de réduire le "
        "nombre d'agents",
    ]
    classed = _classed(texts, load_pipeline())  # the workbook's pipeline: its sentences
    assert classed[schema.FUNCTION].tolist() == [schema.PROPOSITION] * 2
    for deciding, item in zip(
        classed[schema.FUNCTION_SENTENCE], ["revoir les tranches", "de fusionner"], strict=True
    ):
        assert item in deciding and not deciding.endswith(":"), deciding


def test_a_sentence_cut_inside_a_phrase_is_widened_to_its_punctuation(real_dir: Path) -> None:
    """In capitals the parser may end a sentence inside a phrase: the corpus's parse of this
    real proposal cut "…la CSG pour tous les | RETRAITES et…", and a fiche was named
    "Supprimer ou diminuer la CSG pour tous les". The deciding sentence is widened to the
    punctuated sentence around it at such an edge, and only there."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        texts = load_corpus(real_dir / "lille-propositions-iramuteq.txt")[schema.TEXT]
    text = _body(texts, "Supprimer ou diminuer la CSG pour tous les RETRAITES")
    cut = text.index(" RETRAITES")
    assert _whole_phrase(text, 0, cut) == (0, len(text))  # one punctuated sentence
    assert _whole_phrase(text, cut + 1, len(text)) == (0, len(text))
    monde = text.index("MONDE") + len("MONDE")  # an edge after a noun is the parser's
    assert _whole_phrase(text, 0, monde) == (0, monde)
    listed = "Rétablir l'ISF et la\nSupprimer la flat tax. Autre chose."
    assert _whole_phrase(listed, 0, listed.index("\n")) == (0, listed.index("\n"))


def test_a_segment_of_one_sentence_or_without_cue_has_none(french_nlp: Language) -> None:
    classed = _classed(
        [
            "Prolonger les bus de nuit jusqu'à deux heures le week-end.",
            "Les bus de nuit du réseau de la métropole.",
        ],
        french_nlp,
    )
    assert classed[schema.FUNCTION_SENTENCE].tolist() == ["", ""]


def test_a_group_is_labelled_by_the_deciding_sentence_of_its_closest_member() -> None:
    segments = tracing_segments()
    obstacles = segments[schema.FUNCTION] == schema.FREIN
    # the group's words are in the first sentence, the frein in the second
    deciding = "Rien ne bouge faute de moyens."
    segments[schema.FUNCTION_SENTENCE] = ""
    segments.loc[obstacles, schema.FUNCTION_SENTENCE] = deciding
    segments.loc[obstacles, schema.TEXT] = segments.loc[obstacles, schema.TEXT] + " " + deciding
    groups = quiet(canonical_groups, segments, schema.FREIN, config=TracingConfig())
    assert len(groups) == 3
    assert set(groups[schema.LABEL]) == {deciding}


def test_without_deciding_sentences_a_group_is_labelled_by_one_of_its_sentences() -> None:
    segments = tracing_segments()
    groups = quiet(canonical_groups, segments, schema.FREIN, config=TracingConfig())
    texts = " ".join(segments[schema.TEXT])
    assert all(label in texts for label in groups[schema.LABEL])


def test_a_paragraph_cut_in_two_is_named_by_the_half_that_decided() -> None:
    segments = tracing_segments()
    segments[schema.FUNCTION_SENTENCE] = ""
    table = first_segment_halved(
        segments,
        [
            "Les communes peinent à recruter des policiers municipaux.",
            "Les agents formés partent vers une ville voisine. "
            "Rien ne les retient faute de moyens.",
        ],
        ["commune recruter policier_municipal", "agent former partir ville"],
        **{schema.FUNCTION_SENTENCE: ["", "Rien ne les retient faute de moyens."]},
    )
    groups = quiet(canonical_groups, table, schema.FREIN, config=TracingConfig())
    labels = groups.set_index(schema.THEME_ID)[schema.LABEL]
    assert labels[segments.iloc[0][schema.THEME_ID]] == "Rien ne les retient faute de moyens."


def test_the_deciding_sentence_of_the_corpus_parse_is_read_in_the_authors_text(
    tmp_path: Path,
) -> None:
    # the parse reads the normalised text ("…" becomes "...", "’" becomes "'"): the sentence
    # is found again in the segment's own text, as the author wrote it
    text = (
        "Les permanences d’accès au droit ferment à 17 heures… "
        "Il faudrait ouvrir une permanence le samedi matin à la mairie de quartier."
    )
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "note.md").write_text(f"---\ncity: Dijon\ndate: 2024-05-02\n---\n\n{text}\n", "utf-8")
    config = AnalysisConfig(base_dir=str(tmp_path)).replace("cache", dir=str(tmp_path / "cache"))
    config = config.replace("segmentation", unit="paragraph")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments, parsed, _ = prepare_segments(load_corpus(folder), config, progress=False)
        classed = classify_functions(segments, parsed, config=FunctionsConfig()).iloc[0]
    assert normalise(text) != text
    assert classed[schema.FUNCTION] == schema.PROPOSITION
    assert classed[schema.FUNCTION_SENTENCE] == (
        "Il faudrait ouvrir une permanence le samedi matin à la mairie de quartier."
    )
