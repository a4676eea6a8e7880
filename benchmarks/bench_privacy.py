"""Precision and recall of name protection on the hand-labelled set (issue 13).

Reads ``tests/data/privacy/names-gold.jsonl`` (every capitalised span of about a thousand
real and written French sentences, labelled person or not; see its README), runs the project's
name protection over it with default settings, as a user gets it, and prints, per source
(``decidim``, ``iramuteq``, ``seeds``, ``written``) and overall:

- **precision**: the share of masked spans that overlap a gold person span;
- **recall**: the share of gold person spans that are masked (a person counts as masked when
  every word of its span, particles such as "de" or "van" aside, lies inside masked spans:
  "Phillipe Roussel" with only "Roussel" masked is a miss);
- the number of gold spans, person spans and masked spans;
- the false positives (grouped by the ``kind`` of the gold span they fall on, ``unlabelled``
  when they fall on no gold span) and the false negatives (grouped by ``kind``): a count and
  up to five examples each.

Each source is protected as one corpus (one ``protect_names`` call), so that a name learned in
one sentence is also looked for in the others of the same source, as in a real run.

Targets (issue 13): precision >= 0.97 and recall >= 0.98, overall.

Run: ``.venv/bin/python benchmarks/bench_privacy.py`` (a few seconds; the last line, the
speed, is the only one that changes between runs; ``--no-timing`` leaves it out).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analysis import privacy, schema

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "privacy" / "names-gold.jsonl"
SOURCES = ("decidim", "iramuteq", "seeds", "written")
TARGET_PRECISION = 0.97
TARGET_RECALL = 0.98
N_EXAMPLES = 5
# lower-case particles inside a name need not be masked for the name to count as masked
PARTICLES = frozenset({"de", "du", "des", "d", "van", "von", "der", "den", "la", "le", "di"})
_WORD = re.compile(r"\w+")

Span = tuple[int, int]


@dataclass
class Score:
    """Counts and examples of one source (or of all of them)."""

    texts: int = 0
    gold_spans: int = 0
    persons: int = 0
    masked: int = 0
    true_masked: int = 0
    persons_found: int = 0
    false_positives: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    false_negatives: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, other: Score) -> None:
        """Add the counts and examples of ``other`` to this score."""
        for name in ("texts", "gold_spans", "persons", "masked", "true_masked", "persons_found"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for mine, theirs in (
            (self.false_positives, other.false_positives),
            (self.false_negatives, other.false_negatives),
        ):
            for kind, examples in theirs.items():
                mine[kind].extend(examples)

    @property
    def precision(self) -> float:
        return self.true_masked / self.masked if self.masked else 1.0

    @property
    def recall(self) -> float:
        return self.persons_found / self.persons if self.persons else 1.0


def load_gold(path: Path = GOLD) -> list[dict]:
    """Read the labelled set and check its offsets.

    Parameters
    ----------
    path
        A JSON Lines file: ``id``, ``source``, ``text``, ``spans`` (``start``, ``end``,
        ``text``, ``person``, ``kind``).

    Returns
    -------
    list of dict
        One record per text, in file order.

    Raises
    ------
    ValueError
        When a span's offsets do not give its text, or two spans of a text overlap.
    """
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for record in records:
        text, spans = record["text"], record["spans"]
        for span in spans:
            if text[span["start"] : span["end"]] != span["text"]:
                raise ValueError(f"{record['id']}: offsets of {span['text']!r} are wrong.")
        for left, right in zip(spans, spans[1:], strict=False):
            if left["end"] > right["start"]:
                raise ValueError(f"{record['id']}: {left['text']!r} overlaps {right['text']!r}.")
    return records


def masked_spans(texts: Sequence[str], nlp: object) -> list[list[Span]]:
    """The spans name protection replaces in each text, fitted on ``texts`` as one corpus."""
    _, report = privacy.protect_names(list(texts), nlp)
    spans: list[list[Span]] = [[] for _ in texts]
    for item, start, end in zip(
        report[schema.NAME_ITEM], report[schema.START], report[schema.END], strict=True
    ):
        spans[int(item)].append((int(start), int(end)))
    return [sorted(s) for s in spans]


def is_covered(text: str, span: dict, masked: Sequence[Span]) -> bool:
    """True when every word of a gold span (lower-case particles aside) lies inside masks."""
    for word in _WORD.finditer(span["text"]):
        if word.group() in PARTICLES:
            continue
        start, end = span["start"] + word.start(), span["start"] + word.end()
        if not any(a <= start and end <= b for a, b in masked):
            return False
    return True


def _example(text: str, start: int, end: int) -> str:
    """``«…context [span] context…»`` on one line."""
    left = text[max(0, start - 35) : start].replace("\n", " ")
    right = text[end : end + 35].replace("\n", " ")
    return f"«…{left}[{text[start:end]}]{right}…»"


def score_text(record: dict, masked: Sequence[Span]) -> Score:
    """Compare the masked spans of one text with its gold spans."""
    text, gold = record["text"], record["spans"]
    persons = [s for s in gold if s["person"]]
    score = Score(texts=1, gold_spans=len(gold), persons=len(persons), masked=len(masked))
    for start, end in masked:
        hits = [s for s in gold if s["start"] < end and start < s["end"]]
        if any(s["person"] for s in hits):
            score.true_masked += 1
            continue
        kind = hits[0]["kind"] if hits else "unlabelled"
        score.false_positives[kind].append(f"{record['id']} {_example(text, start, end)}")
    for span in persons:
        if is_covered(text, span, masked):
            score.persons_found += 1
        else:
            example = _example(text, span["start"], span["end"])
            score.false_negatives[span["kind"]].append(f"{record['id']} {example}")
    return score


def score_source(records: Sequence[dict], nlp: object) -> tuple[Score, float]:
    """Protect the texts of one source as a corpus; return its score and the seconds taken."""
    began = time.perf_counter()
    masked = masked_spans([r["text"] for r in records], nlp)
    seconds = time.perf_counter() - began
    score = Score()
    for record, spans in zip(records, masked, strict=True):
        score.add(score_text(record, spans))
    return score, seconds


def print_errors(title: str, errors: dict[str, list[str]]) -> None:
    """Print errors grouped by kind: count, then up to ``N_EXAMPLES`` examples."""
    total = sum(len(e) for e in errors.values())
    print(f"  {title}: {total}")
    for kind in sorted(errors, key=lambda k: (-len(errors[k]), k)):
        print(f"    {kind}: {len(errors[kind])}")
        for example in errors[kind][:N_EXAMPLES]:
            print(f"      {example}")


def print_score(name: str, score: Score) -> None:
    """Print the figures and errors of one source."""
    print(f"\n== {name} ==")
    print(
        f"  texts {score.texts}, gold spans {score.gold_spans}, person spans {score.persons}, "
        f"masked spans {score.masked}"
    )
    print(
        f"  precision {score.precision:.3f} ({score.true_masked}/{score.masked})   "
        f"recall {score.recall:.3f} ({score.persons_found}/{score.persons})"
    )
    print_errors("false positives (masked, not a person), by gold kind", score.false_positives)
    print_errors("false negatives (person not masked), by kind", score.false_negatives)


def print_gold_counts(records: Sequence[dict]) -> None:
    """Print the labelled spans by kind and source (person / not person)."""
    counts = Counter((s["kind"], r["source"], s["person"]) for r in records for s in r["spans"])
    kinds = sorted({k for k, _, _ in counts})
    print("Gold spans by kind and source (person/not person):")
    print(f"  {'kind':<24}" + "".join(f"{s:>14}" for s in SOURCES))
    for kind in kinds:
        cells = "".join(f"{counts[kind, s, True]:>7}/{counts[kind, s, False]:<6}" for s in SOURCES)
        print(f"  {kind:<24}{cells}")


def verdict(value: float, target: float) -> str:
    return "MET" if value >= target else "NOT MET"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-timing", action="store_true", help="leave the speed line out")
    args = parser.parse_args(argv)
    records = load_gold()
    print(f"Name protection on {GOLD.relative_to(ROOT)}: {len(records)} texts.")
    print_gold_counts(records)
    nlp = privacy.load_ner()
    overall, seconds = Score(), 0.0
    for source in SOURCES:
        score, took = score_source([r for r in records if r["source"] == source], nlp)
        print_score(source, score)
        overall.add(score)
        seconds += took
    print_score("overall", overall)
    print("\nTargets (issue 13):")
    print(
        f"  precision {overall.precision:.3f} >= {TARGET_PRECISION}: "
        f"{verdict(overall.precision, TARGET_PRECISION)}"
    )
    print(
        f"  recall {overall.recall:.3f} >= {TARGET_RECALL}: "
        f"{verdict(overall.recall, TARGET_RECALL)}"
    )
    if not args.no_timing:
        speed = overall.texts / seconds
        print(f"\nSpeed: {speed:.0f} texts per second ({seconds:.2f} s, model already loaded)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
