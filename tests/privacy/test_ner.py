"""Tests of analysis.privacy.ner: the spaCy pipeline name protection needs."""

from __future__ import annotations

import pytest

from analysis.privacy import NameProtectionError, load_ner


def test_a_missing_model_says_how_to_install_it_or_turn_protection_off() -> None:
    with pytest.raises(NameProtectionError, match="pip install fr-modele-absent") as raised:
        load_ner("fr_modele_absent")
    assert "protect_names = false" in str(raised.value)
