"""The labelled material the default function model learns from, parsed as the workbook parses.

Two sources, read from a source checkout only (a wheel has neither):

* the sample corpus and its ``annotations.csv`` (:func:`sample_rows`): meeting notes written for
  the project, one label per paragraph;
* the real labelled segments, ``tests/data/roles/real-labelled.csv`` (:func:`real_rows`):
  proposals and comments of the Grand Débat on two Decidim platforms (Lille, Nancy) and two
  web articles, one label per segment. Their texts carry no lemmas:
  they are lemmatised here with the workbook's own pipeline (:func:`analysis.nlp.prepare_segments`,
  one unit per text), so that the model sees at training what it sees at run time.

Each source comes as :class:`LabelledRows`: the segments (``lemmas``, ``heading``,
``gold_function``, ``source``, ``split``, ``group``) and the cues of each row.

Example
-------
>>> rows = LabelledRows.concat([sample_rows(), real_rows(split="train")])
>>> weights = {"sample": 1.0, "decidim": 3.0}
>>> classifier = fit_labelled(rows, weights=weights, class_weights={"frein": 3.0})
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema
from analysis.config import CacheConfig, FunctionsConfig
from analysis.roles import cues
from analysis.roles.annotations import (
    GOLD_FUNCTION_COLUMN,
    FunctionLabelError,
    join_labels,
    load_labelled_file,
    normalise_function_label,
)
from analysis.roles.classifier import FunctionClassifier, classifier_from_config
from analysis.roles.cues import CueHit

REPOSITORY = Path(__file__).resolve().parents[3]
SAMPLE_CORPUS = REPOSITORY / "corpus"
ANNOTATIONS = "annotations.csv"
REAL_LABELLED = REPOSITORY / "tests" / "data" / "roles" / "real-labelled.csv"
SOURCE = "source"  # where a labelled row comes from: "sample", "decidim", "nancy", "seeds"…
SPLIT = "split"  # real rows: "train" or "eval"
GROUP = "group"  # rows that must stay together in a split (a concertation, a document)
SAMPLE = "sample"
_REAL_COLUMNS = ("source", "doc_id", "segment_id", "text", "function", "split")


@dataclasses.dataclass(frozen=True)
class LabelledRows:
    """Labelled segments and the cues of each (same order)."""

    segments: pd.DataFrame
    hits: list[list[CueHit]]

    def __len__(self) -> int:
        return len(self.segments)

    def take(self, mask: np.ndarray | pd.Series) -> LabelledRows:
        """The rows where ``mask`` is true."""
        mask = np.asarray(mask, dtype=bool)
        kept = [h for h, keep in zip(self.hits, mask, strict=True) if keep]
        return LabelledRows(self.segments[mask].reset_index(drop=True), kept)

    @staticmethod
    def concat(parts: Sequence[LabelledRows]) -> LabelledRows:
        """The rows of ``parts``, one after the other."""
        segments = pd.concat([p.segments for p in parts], ignore_index=True)
        return LabelledRows(segments, [h for p in parts for h in p.hits])


def _parse(
    documents: pd.DataFrame, *, unit: str, base_dir: Path, cache: CacheConfig | None
) -> tuple[pd.DataFrame, list]:
    """Segments (with lemmas) of ``documents`` at ``unit`` and their Docs, default settings."""
    from analysis.config import AnalysisConfig  # noqa: PLC0415 - heavy, only to train
    from analysis.corpus import CorpusWarning  # noqa: PLC0415
    from analysis.nlp import NlpWarning, prepare_segments  # noqa: PLC0415

    config = AnalysisConfig(base_dir=str(base_dir)).replace("segmentation", unit=unit)
    if cache is not None:
        config = config.replace("cache", **dataclasses.asdict(cache))
    with warnings.catch_warnings():
        # remarks on the training texts (a text with no content word...) are not about any
        # corpus a user analyses
        warnings.simplefilter("ignore", NlpWarning)
        warnings.simplefilter("ignore", CorpusWarning)
        segments, parsed, _expressions = prepare_segments(documents, config, progress=False)
    return segments, list(parsed.docs())


def sample_rows(
    corpus_path: str | Path | None = None, *, cache: CacheConfig | None = None
) -> LabelledRows:
    """The labelled paragraphs of a corpus folder holding ``annotations.csv`` (default: the
    sample corpus), with their lemmas and cues; ``group`` is the concertation.

    Raises
    ------
    FunctionLabelError
        When the folder has no ``annotations.csv`` or no paragraph carries a label.
    """
    from analysis.corpus import CorpusWarning, load_corpus  # noqa: PLC0415

    corpus_path = Path(corpus_path) if corpus_path is not None else SAMPLE_CORPUS
    annotations = corpus_path / ANNOTATIONS
    if not annotations.is_file():
        raise FunctionLabelError(
            f"Pas de données annotées pour entraîner le classifieur de fonctions : {annotations} "
            "est absent. Lancez la commande depuis une copie du dépôt (qui contient corpus/), "
            "ou donnez avec --corpus un dossier qui contient annotations.csv."
        )
    labelled = load_labelled_file(annotations)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        documents = load_corpus(corpus_path.resolve())
    segments, docs = _parse(
        documents, unit="paragraph", base_dir=corpus_path.resolve().parent, cache=cache
    )
    segments = segments.assign(_row=np.arange(len(segments)))
    training = join_labels(segments, labelled)
    if training.empty:
        raise FunctionLabelError(
            f"{annotations} : aucune ligne ne correspond à un paragraphe de {corpus_path} "
            "(vérifiez les colonnes doc_id et paragraph)."
        )
    hits = cues.find_cues_in([docs[i] for i in training["_row"]])
    training = training.drop(columns="_row").assign(
        **{SOURCE: SAMPLE, SPLIT: "train", GROUP: training[schema.CONCERTATION_ID].astype(str)}
    )
    return LabelledRows(training, hits)


def real_rows(
    path: str | Path | None = None, *, split: str | None = None, cache: CacheConfig | None = None
) -> LabelledRows:
    """The real labelled segments (default: ``tests/data/roles/real-labelled.csv``), each
    parsed and lemmatised alone as the workbook would, with their cues.

    Parameters
    ----------
    path
        A file with the columns of ``real-labelled.csv`` (``source``, ``doc_id``,
        ``segment_id``, ``text``, ``function``, ``split``).
    split
        ``"train"`` or ``"eval"`` to keep one part; None: every row.
    cache
        Where the parse is cached; None: the ``.cache`` folder of the repository.

    Returns
    -------
    LabelledRows
        ``segment_id`` is ``real:<source>:<segment_id>``; ``group`` is the source document.
    """
    path = Path(path) if path is not None else REAL_LABELLED
    if not path.is_file():
        raise FunctionLabelError(
            f"Segments réels annotés introuvables : {path}. Lancez la commande depuis une copie "
            "du dépôt (qui contient tests/data/roles/)."
        )
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in _REAL_COLUMNS if c not in table]
    if missing:
        raise FunctionLabelError(f"{path} : colonne(s) {', '.join(missing)} absente(s).")
    if split is not None:
        table = table[table["split"] == split].reset_index(drop=True)
    labels = table["function"].map(normalise_function_label)
    if labels.isna().any():
        wrong = table.loc[labels.isna(), "function"].iloc[0]
        raise FunctionLabelError(f"{path} : fonction inconnue {wrong!r}.")
    ids = "real:" + table["source"] + ":" + table["segment_id"]
    documents = pd.DataFrame(
        {
            schema.DOC_ID: ids,
            schema.CONCERTATION_ID: table["source"] + ":" + table["doc_id"],
            schema.CITY: "",
            schema.DATE: pd.NaT,
            schema.DOC_TYPE: "",
            schema.TITLE: "",
            schema.TEXT: table["text"],
            schema.SOURCE: table["source"],
        }
    )
    segments, docs = _parse(documents, unit="document", base_dir=REPOSITORY, cache=cache)
    position = {doc_id: i for i, doc_id in enumerate(segments[schema.DOC_ID])}
    order = [position[i] for i in ids]  # one unit per text, in the file's order
    segments = segments.iloc[order].reset_index(drop=True)
    segments = segments.assign(
        **{
            schema.SEGMENT_ID: ids.to_numpy(),
            GOLD_FUNCTION_COLUMN: labels.to_numpy(),
            SOURCE: table["source"].to_numpy(),
            SPLIT: table["split"].to_numpy(),
            GROUP: (table["source"] + ":" + table["doc_id"]).to_numpy(),
            "field": table.get("field", pd.Series([""] * len(table))).to_numpy(),
        }
    )
    return LabelledRows(segments, cues.find_cues_in([docs[i] for i in order]))


def fit_labelled(
    rows: LabelledRows,
    *,
    weights: Mapping[str, float],
    class_weights: Mapping[str, float] | None = None,
    config: FunctionsConfig | None = None,
) -> FunctionClassifier:
    """A classifier with ``config``'s settings fitted on ``rows``, each row weighted by its
    source (``weights["decidim"]``; a source not named weighs 1) times the weight of its label
    (``class_weights["frein"]``; a label not named weighs 1)."""
    config = config or FunctionsConfig()
    class_weights = class_weights or {}
    sample_weight = rows.segments[SOURCE].map(lambda s: float(weights.get(s, 1.0))).to_numpy()
    sample_weight = (
        sample_weight
        * (
            rows.segments[GOLD_FUNCTION_COLUMN].map(lambda f: float(class_weights.get(f, 1.0)))
        ).to_numpy()
    )
    return classifier_from_config(config).fit(
        rows.segments,
        rows.segments[GOLD_FUNCTION_COLUMN],
        hits=rows.hits,
        sample_weight=sample_weight,
    )
