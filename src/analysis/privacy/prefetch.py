"""spaCy's entities found in a second process while the main work goes on."""

from __future__ import annotations

from collections.abc import Sequence

from analysis.privacy.ner import Entity, find_entities


class EntityPrefetch:
    """:func:`find_entities` run in a second process, beside the main work.

    Name protection needs spaCy's NER over every text, a pass about as long as the main parse;
    on a machine with a free core, the pipeline starts it here while it parses, and collects
    the entities when it writes the reports.
    """

    def __init__(self, texts: Sequence[str], model: str, *, batch_size: int = 64) -> None:
        from analysis.workers import Background  # noqa: PLC0415 - only when asked for

        self._job = Background(find_entities, list(texts), model, batch_size=batch_size)

    def result(self) -> dict[str, list[Entity]]:
        """The entities (waits for them); empty when the process failed or was stopped (the
        caller then finds them itself, and meets the error, if any, in its own process)."""
        try:
            return self._job.result()
        except Exception:  # noqa: BLE001 - recomputed in the caller's process, never lost
            return {}

    def close(self) -> None:
        """Stop the process (when the entities are no longer wanted)."""
        self._job.close()
