"""The analyst's corrections to the themes, and the memory that keeps them across re-runs.

An analyst corrects the machine in a plain file, ``curation.yml`` (or a CSV), that names themes
by the ``theme_id`` of ``themes.csv``::

    rename:
      3: Polices municipales : recrutement et formation
    merge:
      - themes: [4, 7]              # 7 joins 4; the merged theme keeps id 4
        name: Médiation sociale     # optional
    split:
      - theme: 5                    # its segments are re-clustered into two parts
        parts: 2
        names: [Caméras et CSU, Vidéo algorithmique]   # optional, by increasing new id
    move:
      - segment: dijon-2023-article-p004
        theme: 3                    # -1: mark the segment unclassified

The same corrections as a CSV (one line per action; ``into`` is the kept theme of a merge, the
number of parts of a split, or the destination of a move)::

    action,theme,into,segment,name
    rename,3,,,Polices municipales : recrutement et formation
    merge,7,4,,Médiation sociale
    split,5,2,,
    move,,3,dijon-2023-article-p004,

The file is applied on top of every fit. Ids stay valid when the corpus grows because each run
stores a :class:`ThemeMemory` (``theme_memory.json`` in the output folder: ids, labels, keywords
and centroid terms) and the next run matches its new themes to the stored ones by centroid and
keyword similarity (:func:`match_themes`): a matched theme keeps its id, hence its curated name
and merges (themes the analyst merged are also matched as one, when the model now finds them as
one); a new theme gets a new id, never a retired one. Every decision goes to a log table.
"""

from analysis.curation.apply import CuratedThemes, apply_curation
from analysis.curation.errors import CurationError, CurationWarning
from analysis.curation.file import (
    ACTIONS,
    CSV_COLUMNS,
    Curation,
    Merge,
    Move,
    Split,
    curation_from_dict,
    curation_template,
    curation_to_yaml,
    load_curation,
    save_curation,
)
from analysis.curation.memory import (
    LOG_COLUMNS,
    MEMORY_FILE,
    MEMORY_VERSION,
    N_CENTROID_TERMS,
    ThemeMemory,
    ThemeRecord,
    centroid_terms,
    decision_log,
    match_themes,
    record_similarity,
)

__all__ = [
    "ACTIONS",
    "CSV_COLUMNS",
    "LOG_COLUMNS",
    "MEMORY_FILE",
    "MEMORY_VERSION",
    "N_CENTROID_TERMS",
    "CuratedThemes",
    "Curation",
    "CurationError",
    "CurationWarning",
    "Merge",
    "Move",
    "Split",
    "ThemeMemory",
    "ThemeRecord",
    "apply_curation",
    "centroid_terms",
    "curation_from_dict",
    "curation_template",
    "curation_to_yaml",
    "decision_log",
    "load_curation",
    "match_themes",
    "record_similarity",
    "save_curation",
]
