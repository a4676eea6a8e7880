"""The shipped function model on real text it never saw (``split = eval`` of the labelled file).

The ``decidim-comments`` eval rows are blind: no cue, feature or setting was chosen by looking at
them. The floors below are the figures measured on them when they were added, minus a margin.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from factories import role_segments
from sklearn.metrics import precision_recall_fscore_support
from spacy.language import Language

from analysis import schema
from analysis.config import FunctionsConfig
from analysis.roles import classify_functions, default_classifier, doc_lemmas, training
from analysis.roles.annotations import GOLD_FUNCTION_COLUMN, normalise_function_label
from analysis.roles.cue_table import CLASS_INDEX
from analysis.roles.cues import cue_scores, find_cues
from analysis.summaries.extracts import select_quotes

COMMENTS = "decidim-comments"  # the blind source
DATA = training.REAL_LABELLED.parent


_FREIN_WITHOUT_CUE = pytest.mark.xfail(
    strict=True, reason="frein sans indice de la table : classé proposition (issue 14)"
)


def _letters(text: str) -> str:
    return re.sub(r"\W+", "", text)


@pytest.fixture(scope="module")
def held_out() -> pd.DataFrame:
    """The real eval rows, classed by the shipped model (trained on the train rows only)."""
    rows = training.real_rows(split="eval")
    explained = default_classifier().explain(rows.segments, hits=rows.hits)
    return rows.segments.assign(
        predicted=explained[schema.FUNCTION].to_numpy(),
        score=explained[schema.FUNCTION_SCORE].to_numpy(),
    )


def test_the_shipped_model_never_saw_the_eval_rows() -> None:
    model = default_classifier()
    real = pd.read_csv(training.REAL_LABELLED, dtype=str)
    assert model.training_["real_split"] == "train"
    trained = real[real["split"] == "train"]["source"].value_counts().to_dict()
    learnt = {s: n for s, n in model.training_["rows_by_source"].items() if s != training.SAMPLE}
    assert learnt == trained
    assert trained[COMMENTS] > 0


def test_the_comments_are_split_by_author_and_come_from_the_copied_export() -> None:
    real = pd.read_csv(training.REAL_LABELLED, dtype=str, keep_default_na=False)
    rows = real[real["source"] == COMMENTS]
    comments = pd.read_csv(DATA / "decidim-comments.csv", dtype=str, keep_default_na=False)
    author = rows["doc_id"].map(comments.set_index("id")["author_id"])
    assert author.notna().all()
    assert not set(author[rows["split"] == "train"]) & set(author[rows["split"] == "eval"])
    bodies = comments.set_index("id")["body"].map(_letters)  # the reader tidies spaces
    for doc_id, text in zip(rows["doc_id"], rows["text"], strict=True):
        assert _letters(text) in bodies[doc_id], (doc_id, text)
    # the blind eval rows are the 184 of the first comments; later comments, of new authors
    # only, went to train
    assert (rows["split"] == "eval").sum() == 184 and (rows["split"] == "train").sum() >= 900


@pytest.mark.parametrize(
    ("source", "export"),
    [("nancy", "nancy-proposals.csv"), ("nancy-comments", "nancy-comments.csv")],
)
def test_the_nancy_rows_are_training_rows_cut_from_the_copied_exports(
    source: str, export: str
) -> None:
    real = pd.read_csv(training.REAL_LABELLED, dtype=str, keep_default_na=False)
    rows = real[real["source"] == source]
    table = pd.read_csv(DATA / export, dtype=str, keep_default_na=False).set_index("id")
    texts = (table["title"] + " " + table["body"]) if "title" in table else table["body"]
    letters = texts.map(_letters)  # the reader tidies spaces
    assert len(rows) >= 90 and (rows["split"] == "train").all()
    for doc_id, text in zip(rows["doc_id"], rows["text"], strict=True):
        for piece in text.split("[personne]"):  # names masked by the workbook
            assert _letters(piece) in letters[doc_id], (doc_id, text)


def test_the_second_annotation_labels_training_rows_as_they_are_written() -> None:
    """The blind second annotation (labelling guide only) covers 300 ``train`` rows, never an
    ``eval`` one, with their exact text and one of the six functions each."""
    real = pd.read_csv(training.REAL_LABELLED, dtype=str, keep_default_na=False)
    second = pd.read_csv(DATA / "second-annotation.csv", dtype=str, keep_default_na=False)
    keys = ["source", "segment_id"]
    joined = second.merge(real, on=keys, how="left", suffixes=("", "_first"), indicator=True)
    assert (joined["_merge"] == "both").all(), joined.loc[joined["_merge"] != "both", keys]
    assert len(second) == 300 and not second.duplicated(keys).any()
    assert (joined["split"] == "train").all()
    for column in ("doc_id", "field", "text"):
        assert (joined[column] == joined[f"{column}_first"]).all(), column
    assert second["function"].map(normalise_function_label).notna().all()
    assert set(second["annotator"]) == {"A", "B"}


def test_held_out_imperative_and_infinitive_proposals_are_proposals(held_out) -> None:
    proposals = held_out[held_out[GOLD_FUNCTION_COLUMN] == schema.PROPOSITION]
    first = proposals[schema.TEXT].str.extract(r"^\W*(\w+)", flags=re.UNICODE)[0].str.lower()
    opening = proposals[first.str.match(r"^\w{3,}(er|ir|re)$") & ~first.isin(["entre", "notre"])]
    assert len(opening) >= 30  # "Rétablir l'ISF.", "Supprimer les chaînes…", "Rendre…"
    assert (opening["predicted"] == schema.PROPOSITION).mean() >= 0.85


def test_proposals_and_freins_of_real_proposals_are_found(held_out) -> None:
    decidim = held_out[held_out[training.SOURCE] == "decidim"]
    precision, recall, _, _ = precision_recall_fscore_support(
        decidim[GOLD_FUNCTION_COLUMN],
        decidim["predicted"],
        labels=[schema.PROPOSITION, schema.FREIN],
        zero_division=0,
    )
    # before these rows were learnt from: proposition 0.873 / 0.404, frein 0.283 / 0.448;
    # with the fourth batch of comments: proposition 0.888 / 0.875, frein 0.560 / 0.483 (14 of
    # the 29 freins; 16 before it, while the blind comments went from 12 to 13 of 17)
    assert precision[0] >= 0.80 and recall[0] >= 0.75
    assert precision[1] >= 0.45 and recall[1] >= 0.45


def test_above_the_threshold_real_freins_and_proposals_are_mostly_right(held_out) -> None:
    quoted = held_out[held_out["predicted"].isin([schema.FREIN, schema.PROPOSITION])]
    kept = quoted[quoted["score"] >= FunctionsConfig().min_score]
    assert len(kept) >= 0.6 * len(quoted)
    right_kept = (kept["predicted"] == kept[GOLD_FUNCTION_COLUMN]).mean()
    right_all = (quoted["predicted"] == quoted[GOLD_FUNCTION_COLUMN]).mean()
    assert right_kept > right_all


def test_blind_debate_comments_are_classed_as_measured(held_out) -> None:
    comments = held_out[held_out[training.SOURCE] == COMMENTS]
    truth, predicted = comments[GOLD_FUNCTION_COLUMN], comments["predicted"]
    precision, recall, f1, _ = precision_recall_fscore_support(
        truth, predicted, labels=[schema.PROPOSITION, schema.FREIN], zero_division=0
    )
    # measured with the fourth batch of comments in training: accuracy 0.848, proposition
    # 0.932 / 0.913, frein 0.520 / 0.765; with the Nancy rows: 0.837, 0.918 / 0.906,
    # 0.522 / 0.706 (with the mean word vector, before them: 0.832, 0.908 / 0.926,
    # 0.476 / 0.588; when the 184 rows were added, without vectors: 0.755,
    # 0.899 / 0.832, 0.333 / 0.529; the model shipped before them: 0.723, 0.907 / 0.785,
    # 0.294 / 0.588)
    assert len(comments) == 184
    assert (truth == predicted).mean() >= 0.80
    assert f1.mean() >= 0.68
    assert precision[0] >= 0.88 and recall[0] >= 0.90
    assert recall[1] >= 0.70  # 12 of the 17 freins


def test_bare_replies_of_the_comments_are_not_quoted(held_out) -> None:
    comments = held_out[held_out[training.SOURCE] == COMMENTS]
    bare = comments[comments[schema.TEXT].str.fullmatch(r"(?i)\W*(oui|non|évidemment( oui)?)\W*")]
    assert len(bare) >= 3  # "Non", "Évidemment", "évidemment oui"
    assert (bare["predicted"] == schema.AUTRE).all(), bare[[schema.TEXT, "predicted"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # real debate comments (decidim-comments.csv), labelled by hand
        ("Excellente proposition !", schema.AUTRE),
        ("Taxer les produits importés qui ne respectent pas les règles imposées en France",
         schema.PROPOSITION),
        ("En respectant les textes fondateur. La laïcité ne saurait souffrir de jeux de "
         "pouvoir, d'influence ou des desirata de l'opinion publique", schema.PROPOSITION),
        # a frein without a cue of the table, read by the mean word vector of its words
        ("Le service public est dense mais sans moyens et surchargé", schema.FREIN),
        # freins without a cue of the table are the known weakness on comments (frein recall
        # 0.71 on the blind rows): classed proposition today
        pytest.param("Les scientifiques ont fait leur part depuis longtemps. Mais votre "
                     "avarice vous empêche de prendre en considération les changements "
                     "nécessaires.", schema.FREIN, marks=_FREIN_WITHOUT_CUE),
        ("le vote doit être obligatoire pour chaque Français à condition que le vote blanc "
         "soit comptabilisé !", schema.PROPOSITION),
        ("Trouvez vous cela admissible de payer moins cher un fruit ou un légume qui a "
         "traversé la planète en bateau ou en avion par rapport à un produit français ou au "
         "moins européen ?", schema.FREIN),
    ],
)  # fmt: skip
def test_real_comments_get_their_function(text: str, expected: str, french_nlp: Language) -> None:
    _assert_shipped_function(text, expected, french_nlp)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Taxer les billets d'avion court-courrier.", schema.PROPOSITION),
        ("Supprimons la taxe sur les petits terrains.", schema.PROPOSITION),
        ("Rendre obligatoire le tri des biodéchets dans les cantines.", schema.PROPOSITION),
        ("Il faudrait ouvrir les piscines le dimanche soir.", schema.PROPOSITION),
        ("Je propose qu'on ouvre les cours d'école l'été.", schema.PROPOSITION),
        ("Suppression du second tour des élections municipales.", schema.PROPOSITION),
        ("Nous demandons au préfet de réunir le comité avant l'été.", schema.DEMANDE),
        # the request governs: the complaint in it does not make it a frein
        (
            "Que l'État reconnaisse enfin ce métier, sans aucun statut ni formation !",
            schema.DEMANDE,
        ),
        ("Transports et mobilité", schema.AUTRE),
        ("Aucun suivi n'est fait après la sortie de prison.", schema.FREIN),
        ("Les participants ont regretté l'absence de retour du parquet.", schema.FREIN),
    ],
)
def test_the_shipped_model_reads_how_citizens_write(
    text: str, expected: str, french_nlp: Language
) -> None:
    _assert_shipped_function(text, expected, french_nlp)


@pytest.mark.parametrize(
    "text",
    [
        # the complaint serves the measure (the guide: "Les tarifs ont doublé ; il faut les
        # plafonner" is a proposition); read alone, the model calls both freins
        "Les délais sont trop longs et personne ne répond : je propose que la mairie ouvre un "
        "guichet le samedi.",
        "Trop de dossiers se perdent entre deux services ; nous proposons qu'un seul agent suive "
        "chaque famille.",
    ],
)
def test_a_measure_advanced_in_the_first_person_governs_its_segment(
    text: str, french_nlp: Language
) -> None:
    hits = find_cues(french_nlp(text))
    assert "je propose que" in {h.cue.name for h in hits if not h.negated}
    _assert_shipped_function(text, schema.PROPOSITION, french_nlp)


@pytest.mark.parametrize(
    "text",
    [
        "Ce que je propose :",  # announces a list (labelled autre, Nancy proposal 355)
        "Je ne propose pas que l'on supprime le Sénat.",
        "D'aucuns proposent de faire contribuer tous les citoyens à l'impôt sur le revenu.",
    ],
)
def test_only_an_affirmed_first_person_proposal_governs(text: str, french_nlp: Language) -> None:
    hits = find_cues(french_nlp(text))
    assert not [h for h in hits if h.cue.name == "je propose que" and not h.negated]


def test_a_heading_is_not_quoted(french_nlp: Language) -> None:
    texts = [
        "Transports et mobilité",
        "Les bus de nuit s'arrêtent à minuit, bien avant la fin du service des bars du centre.",
        "Prolonger les bus de nuit jusqu'à deux heures le week-end, comme à Rennes et Nantes.",
    ]
    segments = role_segments(texts)
    segments[schema.LEMMAS] = ["transport mobilité", "bus nuit arrêter minuit", "bus nuit"]
    classed = classify_functions(segments, french_nlp, config=FunctionsConfig())
    assert classed[schema.FUNCTION].tolist()[0] == schema.AUTRE
    frame = classed.assign(
        **{
            schema.CONCERTATION_ID: ["c1", "c2", "c3"],
            schema.CITY: "",
            schema.DATE: pd.NaT,
            "_words": [3, 16, 16],
            "_typicality": [0.9, 0.5, 0.4],  # the heading is the most typical
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quotes = select_quotes(frame, {}, n_quotes=3, min_words=1, max_words=90)
    assert texts[0] not in [q.text for q in quotes]
    assert len(quotes) == 2


def test_scores_are_probabilities_and_the_same_each_run(held_out) -> None:
    rows = training.real_rows(split="eval")
    again = default_classifier().explain(rows.segments, hits=rows.hits)
    assert np.array_equal(again[schema.FUNCTION_SCORE].to_numpy(), held_out["score"].to_numpy())
    assert held_out["score"].between(0, 1).all()


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        # the seed notes' sentences about the day itself (labelled autre)
        ("Les élus de la commission « Sécurité et prévention » de France urbaine se sont "
         "retrouvés à Dijon le 28 avril 2023.", "se sont retrouvés à"),
        ("La commission est revenue sur les divers chantiers et a fait un point d’étape sur "
         "le calendrier.", "point d'étape"),
        ("Les groupes de travail des Polices municipales ont pu faire un retour sur les travaux "
         "en cours.", "retour sur les travaux"),
        ("Plusieurs participants avaient d’ores et déjà préparé des propositions techniques "
         "qui mériteront donc d’être débattues très prochainement.", "d'être débattu"),
        ("A l’espace Vanel, la production d’idée s’est alors opérée sur la base de constats "
         "collectifs, sur l’identification d’obstacles protéiformes.",
         "sur la base de constats"),
        ("Les élus et la Direction Générale de la Police Nationale se réuniront à nouveau d’ici "
         "la fin de l’année.", "se réunir à nouveau"),
        # a document about itself (the sample corpus's reports open so, labelled autre)
        ("Le présent compte rendu reprend les principaux éléments de chaque atelier.",
         "le présent compte rendu"),
        ("La présente contribution rassemble nos idées sur la fiscalité locale.",
         "le présent compte rendu"),
    ],
)  # fmt: skip
def test_sentences_about_the_meeting_carry_a_meta_cue(
    text: str, cue: str, french_nlp: Language
) -> None:
    hits = find_cues(french_nlp(text))
    assert cue in {h.cue.name for h in hits}
    assert cue_scores(hits).argmax() == CLASS_INDEX[schema.AUTRE]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # comments of new authors labelled for the train rows: an infinitive that is the
        # subject of a conditional is an objection, not a proposal
        ("Rendre le vote obligatoire risquerait de créer encore plus de défiance de la part "
         "des citoyens vis à vis des élus.", schema.FREIN),
        ("Le QCM c'est une mauvaise idée, faudrais pas non plus qu'on passe trois heures dans "
         "les bureaux de votes.", schema.FREIN),
        ("Rendre obligatoire la transparence sur ce type de contrat.", schema.PROPOSITION),
        # seed notes: who met where is no constat
        ("Les élus de la commission « Sécurité et prévention » de France urbaine se sont "
         "retrouvés à Dijon le 28 avril 2023.", schema.AUTRE),
    ],
)  # fmt: skip
def test_objections_and_meetings_get_their_function(
    text: str, expected: str, french_nlp: Language
) -> None:
    _assert_shipped_function(text, expected, french_nlp)


def test_the_infinitive_subject_of_a_conditional_is_no_proposal_cue(
    french_nlp: Language,
) -> None:
    objection = find_cues(french_nlp("Rendre le vote obligatoire risquerait de créer la défiance."))
    measure = find_cues(french_nlp("Rendre le vote obligatoire sous conditions."))
    assert "infinitif en tête" not in {h.cue.name for h in objection}
    assert "infinitif en tête" in {h.cue.name for h in measure}


def test_the_shipped_model_records_its_frein_weight() -> None:
    assert default_classifier().training_["class_weights"] == {schema.FREIN: 3.0}


def _assert_shipped_function(text: str, expected: str, nlp: Language) -> None:
    """The shipped model gives ``text`` the function ``expected`` (its reasons shown if not)."""
    segments = role_segments([text])
    segments[schema.LEMMAS] = doc_lemmas(nlp(text))
    classed = classify_functions(segments, nlp, config=FunctionsConfig())
    assert classed[schema.FUNCTION].tolist() == [expected], classed[schema.FUNCTION_REASON][0]
