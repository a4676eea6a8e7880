"""spaCy's entities of a parse, kept in the run's store between runs."""

from __future__ import annotations

import dataclasses
from typing import Any

from analysis.cache import Store, digest

# spaCy's entities of a parse, by NER model: they depend on the texts and the model alone, so
# they are kept across versions of this package's code, unless the texts spaCy reads change
# (2: texts whose capitals only open sentences are not read)
_ENTITIES = "entities"
_ENTITIES_FORMAT = "2"


def _entities_key(parse_key: str, ner: Any) -> str:
    """The store key of ``ner``'s entities of the parse whose key is ``parse_key``."""
    return digest(parse_key, ner.meta["name"], ner.meta["version"])


@dataclasses.dataclass
class StoredEntities:
    """spaCy's entities of a parse, kept in the run's store: read once, written again whenever
    the protector found more (the corpus when it is fitted, the reports' own texts later)."""

    store: Store
    key: str
    cache: dict[str, Any]
    n_stored: int

    @classmethod
    def read(cls, store: Store, parse_key: str, ner: Any) -> StoredEntities:
        """The entities ``store`` holds for this parse and NER model (none: an empty cache)."""
        key = _entities_key(parse_key, ner)
        stored = store.read(_ENTITIES, key, version=_ENTITIES_FORMAT)
        cache = dict(stored) if isinstance(stored, dict) else {}
        return cls(store, key, cache, len(cache))

    @staticmethod
    def held(store: Store, parse_key: str, ner: Any) -> bool:
        """True when ``store`` holds entities for this parse and NER model."""
        return store.has(_ENTITIES, _entities_key(parse_key, ner))

    def save(self) -> None:
        """Store the entities when there are more than the store holds."""
        if len(self.cache) != self.n_stored:
            entities = dict(sorted(self.cache.items()))
            self.store.write(_ENTITIES, self.key, entities, version=_ENTITIES_FORMAT)
            self.n_stored = len(self.cache)
