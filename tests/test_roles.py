"""Tests of analysis.roles: cue patterns, heading, classifier, labelled files, sentences."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from spacy.language import Language

from analysis import role_model, roles, schema
from analysis.config import AnalysisConfig, FunctionsConfig
from analysis.roles import (
    CuePatterns,
    DocsAlignmentError,
    FunctionClassifier,
    FunctionLabelError,
    FunctionSettingsError,
    UnknownFunctionWarning,
    UnlabelledSegmentsWarning,
    classify_functions,
    cue_matcher,
    default_classifier,
    doc_lemmas,
    find_cues,
    find_cues_in,
    heading_function,
    join_labels,
    load_labelled_file,
    normalise_function_label,
    sentence_functions,
)
from analysis.segmentation import normalise

CUES_ONLY = FunctionsConfig(method="cues")


def frame(texts: list[str], headings: list[str] | None = None) -> pd.DataFrame:
    """Segments table with ids, texts and headings."""
    return pd.DataFrame(
        {
            schema.SEGMENT_ID: [f"doc#p{i:03d}s00" for i in range(len(texts))],
            schema.DOC_ID: "doc",
            schema.PARAGRAPH: list(range(len(texts))),
            schema.TEXT: texts,
            schema.HEADING: headings if headings is not None else [""] * len(texts),
        }
    )


# --- cue patterns -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il faudrait mutualiser la formation initiale des agents entre communes voisines.",
         "proposition"),
        ("Nous recommandons de créer un référent radicalisation dans chaque préfecture.",
         "proposition"),
        ("Actualiser chaque convention de coordination avec la police nationale, en y "
         "intégrant le travail de nuit.", "proposition"),
        ("Le manque de tuteurs formés limite le nombre de postes de travail d'intérêt général.",
         "frein"),
        ("Faute de places d'hébergement, le conjoint violent reste le plus souvent au domicile.",
         "frein"),
        ("L'expérimentation n'a pas permis de réduire les délais de réponse pénale.", "frein"),
        ("Constituer des équipes de nuit en nombre suffisant reste compliqué pour les petites "
         "communes.", "frein"),
        ("Ce protocole a permis de réduire de moitié les délais de traitement des signalements.",
         "bonne pratique"),
        ("On observe une hausse de 15 % des escroqueries en ligne visant les seniors.",
         "constat"),
        ("Les élus demandent à l'État de pérenniser le financement des postes d'adultes-relais.",
         "demande"),
        ("Nous remercions chaleureusement la ville et ses agents pour leur accueil.", "autre"),
        ("Partager", "autre"),
    ],
)  # fmt: skip
def test_cue_patterns_class_typical_sentences(
    french_nlp: Language, text: str, expected: str
) -> None:
    result = classify_functions(frame([text]), french_nlp, config=CUES_ONLY)
    assert result[schema.FUNCTION].item() == expected, result[schema.FUNCTION_REASON].item()
    assert result[schema.FUNCTION_SCORE].item() > 0


@pytest.fixture(scope="module")
def sample_docs(french_nlp: Language, corpus_dir: Path) -> list:
    """Every paragraph of the sample corpus, parsed (the cues' reference material)."""
    from analysis.corpus import load_corpus
    from analysis.segmentation import segment_documents

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(corpus_dir)
    paragraphs = segment_documents(documents, unit="paragraph")
    return list(french_nlp.pipe(normalise(t) for t in paragraphs[schema.TEXT]))


def test_cue_patterns_find_what_spacy_matcher_finds(sample_docs: list) -> None:
    matcher = cue_matcher(sample_docs[0].vocab)
    patterns = CuePatterns([cue.pattern for cue in roles.CUES])
    found = patterns.match(sample_docs)
    n_matches = 0
    for doc, (same_doc, matches, sentence_starts) in zip(sample_docs, found, strict=True):
        expected = {
            (int(doc.vocab.strings[key][3:]), start, end) for key, start, end in matcher(doc)
        }
        assert same_doc is doc and len(matches) == len(set(matches))
        assert set(matches) == expected, doc.text
        assert [int(sentence_starts[t.i]) for t in doc] == [t.sent.start for t in doc]
        n_matches += len(matches)
    # real material: hundreds of matches, among them optional tokens and sentence starts
    assert n_matches > 1000
    names = {roles.CUES[index].name for _, matches, _ in found for index, _, _ in matches}
    assert {"ne ... pas", "a permis de", "une commune", "chiffre", "devrait"} <= names


def test_cues_found_in_a_batch_are_those_found_one_by_one(sample_docs: list) -> None:
    one_by_one = [find_cues(doc) for doc in sample_docs[:150]]
    assert find_cues_in(sample_docs[:150], batch_size=7) == one_by_one
    assert sum(map(len, one_by_one)) > 150


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LEMMA": "faute", "OP": "+"}],
        [{"DEP": "nsubj"}],
        [{"LOWER": {"FUZZY": "manque"}}],
        [{"MORPH": {"IS_SUBSET": ["Mood=Cnd"]}}],
    ],
)
def test_cue_patterns_refuse_what_they_cannot_match_like_the_matcher(pattern: list) -> None:
    with pytest.raises(ValueError, match="Motif d'indice 0"):
        CuePatterns([pattern])


@pytest.mark.parametrize(
    "text",
    [
        "Les communes ne manquent pas de volontaires pour accueillir des tigistes.",
        "Il n'y a eu aucune difficulté avec les organisateurs du festival.",
        "Le dispositif a été déployé sans difficulté dans les trois quartiers.",
    ],
)
def test_a_denied_obstacle_is_no_obstacle(french_nlp: Language, text: str) -> None:
    result = classify_functions(frame([text]), french_nlp, config=CUES_ONLY)
    assert result[schema.FUNCTION].item() != "frein"
    assert "nié" in result[schema.FUNCTION_REASON].item()


def test_find_cues_reports_position_and_negation(french_nlp: Language) -> None:
    doc = french_nlp("Les communes ne manquent pas de volontaires. Le manque de tuteurs pèse.")
    hits = {(doc[h.start].text, h.negated, h.function) for h in find_cues(doc)}
    assert ("manquent", True, None) in hits
    assert ("manque", False, "frein") in hits


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Freins identifiés", "frein"),
        ("## Points de vigilance", "frein"),
        ("Propositions", "proposition"),
        ("Nos recommandations", "proposition"),
        ("Bonnes pratiques", "bonne pratique"),
        ("Demandes à l’État", "demande"),
        ("Constats", "constat"),
        ("Polices municipales", None),
        ("", None),
        (None, None),
    ],
)
def test_heading_function(heading: str | None, expected: str | None) -> None:
    assert heading_function(heading) == expected


@pytest.mark.parametrize(
    ("heading", "expected"),
    [("Freins identifiés", "frein"), ("Propositions", "proposition"), ("", "constat")],
)
def test_the_heading_decides_when_the_text_has_no_cue(
    french_nlp: Language, heading: str, expected: str
) -> None:
    text = "Les échanges ont porté sur les horaires des équipes de soirée."
    result = classify_functions(frame([text], [heading]), french_nlp, config=CUES_ONLY)
    assert result[schema.FUNCTION].item() == expected


# --- the classifier -----------------------------------------------------------------------------

TRAINING_BY_CLASS = {
    "proposition": ("Propositions", [
        "Il faut créer une plateforme départementale des postes de TIG.",
        "Mutualiser la formation des policiers municipaux au niveau régional.",
        "Signer une convention avec le parquet pour un retour systématique.",
        "Partager un responsable de la sécurité informatique entre communes.",
    ]),
    "frein": ("Freins", [
        "Les tuteurs manquent de temps et de formation pour encadrer les tigistes.",
        "Les maires ne reçoivent aucun retour du parquet sur leurs signalements.",
        "Le financement annuel des adultes-relais fragilise les équipes de médiation.",
        "Les communes manquent de places d'hébergement pour les auteurs de violences.",
    ]),
    "constat": ("Constats", [
        "Les plaintes pour violences conjugales ont augmenté de 20 % en deux ans.",
        "Le nombre de caméras raccordées au centre de supervision a doublé.",
        "Les escroqueries en ligne touchent surtout les personnes âgées.",
        "La médiation de nuit couvre désormais quatre quartiers prioritaires.",
    ]),
    "bonne pratique": ("Bonnes pratiques", [
        "La ville a signé une convention avec les bailleurs qui fonctionne bien.",
        "Le briefing commun entre police municipale et commissariat a porté ses fruits.",
        "Une commune a organisé un exercice de crise cyber très réussi.",
        "Le groupe local de traitement de la délinquance a permis de réduire les nuisances.",
    ]),
}  # fmt: skip
TRAINING = [
    (text, heading, label)
    for label, (heading, texts) in TRAINING_BY_CLASS.items()
    for text in texts
]


@pytest.fixture(scope="module")
def labelled(french_nlp: Language) -> pd.DataFrame:
    """Labelled segments with lemmas computed from the trained pipeline."""
    table = frame([t for t, _, _ in TRAINING], [h for _, h, _ in TRAINING])
    table[schema.LEMMAS] = [doc_lemmas(french_nlp(t)) for t, _, _ in TRAINING]
    table["label"] = [label for _, _, label in TRAINING]
    return table


def test_classifier_learns_and_explains(labelled: pd.DataFrame) -> None:
    model = FunctionClassifier(method="classifier").fit(labelled, labelled["label"])
    assert model.n_training_rows_ == len(labelled)
    assert list(model.classes_) == list(schema.FUNCTIONS)
    probabilities = model.predict_proba(labelled)
    assert probabilities.shape == (len(labelled), 6)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert (model.predict(labelled) == labelled["label"].to_numpy()).mean() >= 0.9
    explained = model.explain(labelled)
    assert explained[schema.SEGMENT_ID].tolist() == labelled[schema.SEGMENT_ID].tolist()
    assert all(explained["words"].str.len() > 0)
    assert explained[schema.FUNCTION_REASON].str.contains("mots du classifieur").all()


def test_classifier_is_deterministic_and_order_free(labelled: pd.DataFrame) -> None:
    first = FunctionClassifier(method="classifier").fit(labelled, labelled["label"])
    shuffled = labelled.sample(frac=1.0, random_state=1)
    second = FunctionClassifier(method="classifier").fit(shuffled, shuffled["label"])
    a = pd.Series(first.predict(labelled), index=labelled[schema.SEGMENT_ID])
    b = pd.Series(second.predict(shuffled), index=shuffled[schema.SEGMENT_ID])
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index())


def test_combined_method_mixes_cues_and_classifier(
    labelled: pd.DataFrame, french_nlp: Language
) -> None:
    model = FunctionClassifier(method="combined", cue_weight=0.5)
    model.fit(labelled, labelled["label"])
    new = frame(
        [
            "Il faudrait recruter davantage de médiateurs de nuit.",
            "Le recrutement des médiateurs reste difficile faute de financement.",
        ]
    )
    new[schema.LEMMAS] = [doc_lemmas(french_nlp(t)) for t in new[schema.TEXT]]
    explained = model.explain(new, docs=french_nlp)
    assert explained[schema.FUNCTION].tolist() == ["proposition", "frein"]
    assert explained[schema.FUNCTION_REASON].str.contains("indices").all()


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (["frein", "obstacle"] * 8, "inconnue"),
        (["frein"] * 16, "deux fonctions différentes"),
        (["frein", "constat"], "2 étiquettes pour 16 segments"),
    ],
)
def test_fit_rejects_bad_labels(labelled: pd.DataFrame, labels: list[str], message: str) -> None:
    with pytest.raises(FunctionLabelError, match=message):
        FunctionClassifier(method="classifier").fit(labelled, labels)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"method": "regex"}, r"\[functions\] method = 'regex' : choisissez"),
        ({"cue_weight": 1.5}, r"\[functions\] cue_weight = 1.5 : choisissez une valeur entre"),
    ],
)
def test_settings_out_of_range_are_named(labelled: pd.DataFrame, settings, message) -> None:
    with pytest.raises(FunctionSettingsError, match=message):
        FunctionClassifier(**settings).fit(labelled, labelled["label"])


def test_an_untrained_classifier_says_so(labelled: pd.DataFrame) -> None:
    with pytest.raises(FunctionLabelError, match="n'est pas entraîné"):
        FunctionClassifier(method="classifier").predict(labelled)


# --- labelled files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Frein", "frein"),
        ("Bonnes_pratiques", "bonne pratique"),
        ("bonne-pratique", "bonne pratique"),
        ("PROPOSITIONS", "proposition"),
        ("Demandes", "demande"),
        ("question", None),
        ("", None),
        (float("nan"), None),
    ],
)
def test_normalise_function_label(label: object, expected: str | None) -> None:
    assert normalise_function_label(label) == expected


def test_load_labelled_file_sets_unknown_labels_aside(tmp_path: Path) -> None:
    path = tmp_path / "mes_labels.csv"
    path.write_text(
        "doc_id,paragraph,function\n"
        "doc,0,Proposition\ndoc,1,Freins\ndoc,2,question\ndoc,3,\ndoc,4,bonnes pratiques\n",
        encoding="utf-8",
    )
    with pytest.warns(UnknownFunctionWarning, match=r"2 ligne\(s\).*'question' x1") as caught:
        table = load_labelled_file(path)
    message = str(caught[0].message)
    assert "mes_labels.csv" in message
    assert "colonne « function », ligne(s) 4, 5" in message  # lines of the file, header is 1
    assert table[schema.GOLD_FUNCTION].tolist() == ["proposition", "frein", "bonne pratique"]
    assert table[schema.PARAGRAPH].tolist() == [0, 1, 4]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("doc_id,paragraph,label\ndoc,0,frein\n", "pas de colonne « function »"),
        ("doc_id,function\ndoc,frein\n", "« doc_id » et « paragraph »"),
        ("doc_id,paragraph,function\ndoc,0,question\n", "aucune ligne ne porte"),
        (
            "doc_id,paragraph,function\ndoc,0,frein\ndoc,un,frein\n",
            "ligne 3, colonne « paragraph » : 'un'",
        ),
    ],
)
def test_load_labelled_file_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FunctionLabelError, match=message), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_labelled_file(path)


def test_load_labelled_file_missing(tmp_path: Path) -> None:
    with pytest.raises(FunctionLabelError, match="introuvable"):
        load_labelled_file(tmp_path / "absent.csv")


def test_join_labels_warns_about_labels_matching_no_segment(labelled: pd.DataFrame) -> None:
    labels = pd.DataFrame({schema.DOC_ID: ["doc", "autre-doc"], schema.PARAGRAPH: [0, 3],
                           schema.GOLD_FUNCTION: ["proposition", "frein"]})  # fmt: skip
    with pytest.warns(UnlabelledSegmentsWarning, match="doc_id autre-doc paragraph 3"):
        joined = join_labels(labelled, labels)
    assert joined[schema.SEGMENT_ID].tolist() == ["doc#p000s00"]


def test_classify_functions_retrains_on_a_users_labelled_file(
    labelled: pd.DataFrame, french_nlp: Language, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "labels.csv"
    labelled.assign(function=labelled["label"])[["doc_id", "paragraph", "function"]].to_csv(
        path, index=False
    )
    config = FunctionsConfig(method="classifier", labelled_file=str(path))

    def no_packaged_model(*args, **kwargs):
        raise AssertionError("a user's labelled file must train the classifier, not the package")

    monkeypatch.setattr(role_model, "load_model", no_packaged_model)
    result = classify_functions(labelled.drop(columns="label"), french_nlp, config=config)
    assert (result[schema.FUNCTION] == labelled["label"]).mean() >= 0.9
    assert set(result.columns) >= {schema.FUNCTION, schema.FUNCTION_SCORE, schema.FUNCTION_REASON}


def test_a_labelled_file_that_labels_nothing_of_the_corpus_is_named(
    labelled: pd.DataFrame, french_nlp: Language, tmp_path: Path
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("doc_id,paragraph,function\nailleurs,0,frein\nailleurs,1,constat\n")
    config = FunctionsConfig(method="classifier", labelled_file=str(path))
    with pytest.raises(FunctionLabelError, match=r"labels\.csv : Aucun segment ne porte"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnlabelledSegmentsWarning)
            classify_functions(labelled.drop(columns="label"), french_nlp, config=config)


# --- docs and sentences -------------------------------------------------------------------------


def test_docs_of_the_normalised_text_are_accepted(french_nlp: Language) -> None:
    text = "Il faut que l’État s’engage : « pérenniser les postes » dès 2025…"
    docs = [french_nlp(normalise(text))]
    result = classify_functions(frame([text]), docs, config=CUES_ONLY)
    assert result[schema.TEXT].item() == text  # the source text is kept as it is


@pytest.mark.parametrize(
    "docs_for",
    [
        lambda nlp: [nlp("Un autre texte."), nlp("Et encore un.")],
        lambda nlp: [nlp("Un texte qui n'est pas celui du segment.")],
        lambda nlp: {"autre#p000s00": nlp("Il faut agir.")},
    ],
)
def test_docs_that_do_not_match_the_segments_are_refused(french_nlp: Language, docs_for) -> None:
    with pytest.raises(DocsAlignmentError):
        classify_functions(frame(["Il faut agir."]), docs_for(french_nlp), config=CUES_ONLY)


def test_cues_of_a_cached_parse_are_stored_and_read_back(
    labelled: pd.DataFrame, french_nlp: Language, tmp_path: Path, monkeypatch
) -> None:
    from analysis.nlp import parse_segments

    segments = labelled.drop(columns="label")
    expected = classify_functions(segments, french_nlp, config=CUES_ONLY)
    parsed = parse_segments(segments, french_nlp, cache_dir=tmp_path, progress=False)
    first = classify_functions(segments, parsed, config=CUES_ONLY)  # finds and stores the cues
    assert list((tmp_path / "parsed" / parsed.key).glob("cues-*.json"))

    def no_matching(*args, **kwargs):
        raise AssertionError("the cues were matched again although the cache holds them")

    monkeypatch.setattr(roles, "find_cues_in", no_matching)
    again = parse_segments(segments, french_nlp, cache_dir=tmp_path, progress=False)
    second = classify_functions(segments.iloc[::-1], again, config=CUES_ONLY)  # any row order
    for result in (first, second.sort_index()):
        pd.testing.assert_frame_equal(result, expected)
    # a table whose text differs from the parse is never read from the store: refused
    changed = segments.assign(text=segments[schema.TEXT].str.replace("manque", "absence"))
    with pytest.raises(DocsAlignmentError):
        classify_functions(changed, again, config=CUES_ONLY)


def test_sentence_functions_keep_document_offsets(french_nlp: Language) -> None:
    document = (
        "## Freins identifiés\n\nLe manque de tuteurs pèse sur l’offre. Il faudrait "
        "former davantage d’agents. On observe une hausse de 12 % des mesures."
    )
    start = document.index("Le manque")
    segments = frame([document[start:]], ["Freins identifiés"]).assign(
        **{schema.START: start, schema.END: len(document)}
    )
    docs = [french_nlp(normalise(document[start:]))]
    sentences = sentence_functions(segments, docs, config=CUES_ONLY)
    assert sentences[schema.SENTENCE].tolist() == [0, 1, 2]
    for row in sentences.itertuples():
        assert document[row.start : row.end] == row.text
    assert sentences[schema.FUNCTION].tolist() == ["frein", "proposition", "constat"]


# --- the default model ---------------------------------------------------------------------------


def _no_parse(*args, **kwargs):
    raise AssertionError("the default classifier must not parse or train on corpus/")


@pytest.fixture(scope="module")
def fresh_default(corpus_dir: Path) -> tuple[FunctionClassifier, dict]:
    """The default classifier trained now on the sample corpus (what the packaged file holds)."""
    if not (corpus_dir / "annotations.csv").is_file():
        pytest.skip("the sample corpus has no annotations.csv")
    return role_model.train_default_model(corpus_dir)


@pytest.fixture(scope="module")
def sample_paragraphs(corpus_dir: Path, fresh_default) -> tuple[pd.DataFrame, object]:
    """Paragraphs of the sample corpus and their parse (the cached parse of the training)."""
    from analysis.corpus import load_corpus
    from analysis.nlp import prepare_segments

    config = AnalysisConfig(base_dir=str(corpus_dir.parent)).replace(
        "segmentation", unit="paragraph"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments, parsed, _ = prepare_segments(load_corpus(corpus_dir), config, progress=False)
    return segments, parsed


def test_default_classifier_is_the_packaged_model(corpus_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(role_model, "_parse_training_corpus", _no_parse)
    model = default_classifier(config=FunctionsConfig(method="classifier"))
    annotations = pd.read_csv(corpus_dir / "annotations.csv")
    assert model.n_training_rows_ == len(annotations)
    assert model.training_["labelled_file"] == "corpus/annotations.csv"
    test = frame(["Les participants proposent de mutualiser un RSSI entre communes."],
                 ["Propositions"])  # fmt: skip
    test[schema.LEMMAS] = "participant proposer mutualiser rssi commune"
    assert model.predict(test).tolist() == ["proposition"]


def test_the_packaged_model_is_the_model_trained_on_the_sample_corpus(fresh_default) -> None:
    # fails when the annotations, the corpus, the lemmas or the features changed since the
    # file was written: run `python -m analysis.role_model` and commit the file
    classifier, training = fresh_default
    stored = json.loads(role_model.DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps(role_model.model_to_dict(classifier, training=training)))
    assert stored["training"]["digest"] == fresh["training"]["digest"]
    assert {**stored, "versions": None} == {**fresh, "versions": None}


def test_classify_functions_by_default_never_parses_the_corpus_and_classes_as_before(
    fresh_default, sample_paragraphs, monkeypatch
) -> None:
    segments, parsed = sample_paragraphs
    classifier, _ = fresh_default
    config = FunctionsConfig()
    expected = classify_functions(segments, parsed, config=config, classifier=classifier)
    fresh_proba = classifier.predict_proba(segments, docs=parsed)
    monkeypatch.setattr(role_model, "_parse_training_corpus", _no_parse)
    monkeypatch.setattr(roles, "train_classifier", _no_parse)
    result = classify_functions(segments, parsed, config=config)
    pd.testing.assert_frame_equal(result, expected)
    assert result[schema.FUNCTION].nunique() == 6
    packaged = default_classifier(config=config)
    assert np.array_equal(packaged.predict_proba(segments, docs=parsed), fresh_proba)


def test_a_saved_model_reads_back_exactly_and_writes_the_same_bytes(
    labelled: pd.DataFrame, tmp_path: Path
) -> None:
    model = FunctionClassifier(method="classifier", regularisation=2.0, random_state=3)
    model.fit(labelled, labelled["label"])
    training = {"digest": "sha256:test"}
    first = role_model.save_model(model, tmp_path / "a.json", training=training)
    second = role_model.save_model(model, tmp_path / "b.json", training=training)
    assert first.read_bytes() == second.read_bytes()
    config = FunctionsConfig(method="classifier", regularisation=2.0, random_state=3)
    loaded = default_classifier(config=config, path=first)
    assert np.array_equal(loaded.predict_proba(labelled), model.predict_proba(labelled))
    pd.testing.assert_frame_equal(loaded.explain(labelled), model.explain(labelled))
    assert loaded.n_training_rows_ == len(labelled)


def test_other_training_settings_than_the_packaged_models_are_reported() -> None:
    with pytest.warns(role_model.FunctionModelWarning, match="regularisation = 2.0"):
        default_classifier(config=FunctionsConfig(regularisation=2.0))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "introuvable"),
        (b"\xff\xfe\x00modele", "pas du texte UTF-8"),
        ('{"format": "analysis.function_model",\n "classes": [,]}', "ligne 2, colonne 14"),
        ('{"vocabulary": []}', "pas un modèle de fonctions"),
        ('{"format": "analysis.function_model", "format_version": 99}', "format 99"),
        ('{"format": "analysis.function_model", "format_version": 1}', "absente"),
    ],
)
def test_unreadable_model_files_are_refused_in_french(
    tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "modele.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(role_model.FunctionModelError, match=message):
        default_classifier(path=path)


def test_retraining_needs_annotations(tmp_path: Path, capsys) -> None:
    with pytest.raises(FunctionLabelError, match="annotations.csv est absent"):
        role_model.build_default_model(tmp_path / "m.json", corpus_path=tmp_path)
    assert role_model.main(["--corpus", str(tmp_path), "--out", str(tmp_path / "m.json")]) == 2
    assert "annotations.csv est absent" in capsys.readouterr().err
    assert not (tmp_path / "m.json").exists()
