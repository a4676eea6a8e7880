"""spaCy's entities found in a second process while the main work goes on, and the name
protector fitted there on them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

from analysis.privacy.frames import fit_protector
from analysis.privacy.ner import Entity, find_entities, load_ner
from analysis.privacy.protector import DEFAULT_MARK, NameProtector


class EntityPrefetch:
    """:func:`find_entities` run in a second process, beside the main work.

    Name protection needs spaCy's NER over every text, a pass about as long as the main parse;
    on a machine with a free core, the pipeline starts it here while it parses, and collects
    the entities when it writes the reports.

    With ``segments`` (and ``documents``, ``mark``, ``keep`` as :func:`fit_protector` takes
    them), the name protector is then fitted in the same process on those entities: the
    recogniser leaves out the texts that cannot hold a name, ends before the parse, and the
    fit (a few seconds on a large corpus) no longer waits for the parse to end. ``then`` is
    called last in the same process (the pipeline parses the corpus's last texts there), its
    value given by :meth:`then_result`.
    """

    def __init__(
        self,
        texts: Sequence[str],
        model: str,
        *,
        batch_size: int = 64,
        segments: pd.DataFrame | None = None,
        documents: pd.DataFrame | None = None,
        mark: str = DEFAULT_MARK,
        keep: Iterable[str] = (),
        then: Callable[[], Any] | None = None,
    ) -> None:
        from analysis.workers import Background  # noqa: PLC0415 - only when asked for

        self.texts = list(texts)
        fit = None if segments is None else (segments, documents, mark, tuple(keep))
        self._job = Background(_entities_and_protector, self.texts, model, batch_size, fit, then)
        self._found: tuple[dict[str, list[Entity]], NameProtector | None, Any] | None = None

    def _answer(self) -> tuple[dict[str, list[Entity]], NameProtector | None, Any]:
        if self._found is None:
            try:
                self._found = self._job.result()
            except Exception:  # noqa: BLE001 - recomputed in the caller's process, never lost
                self._found = ({}, None, None)
        return self._found

    def result(self) -> dict[str, list[Entity]]:
        """The entities (waits for them); empty when the process failed or was stopped (the
        caller then finds them itself, and meets the error, if any, in its own process)."""
        return self._answer()[0]

    def protector(self) -> NameProtector | None:
        """The protector fitted on the entities (waits for it), without its spaCy pipeline
        and entity cache (:meth:`NameProtector.attach` gives them back); None when it was not
        asked for, or the process failed."""
        return self._answer()[1]

    def then_result(self) -> Any:
        """The value of ``then`` (waits for it); None when not asked for, or on failure."""
        return self._answer()[2]

    def close(self) -> None:
        """Stop the process (when the entities are no longer wanted)."""
        self._job.close()


def _entities_and_protector(
    texts: list[str],
    model: str,
    batch_size: int,
    fit: tuple[pd.DataFrame, pd.DataFrame | None, str, tuple[str, ...]] | None,
    then: Callable[[], Any] | None,
) -> tuple[dict[str, list[Entity]], NameProtector | None, Any]:
    entities = find_entities(texts, model, batch_size=batch_size)
    protector = None
    if fit is not None:
        segments, documents, mark, keep = fit
        protector = fit_protector(
            segments, documents, load_ner(model), mark=mark, keep=keep, entity_cache=dict(entities)
        )
    return entities, protector, then() if then is not None else None
