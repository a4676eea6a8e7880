"""Tests of analysis.schema: the checks every stage runs on the tables it receives."""

import pandas as pd
import pytest

from analysis import schema


def test_a_missing_column_is_named_with_the_closest_existing_one() -> None:
    table = pd.DataFrame({"segment_ID": ["s1"], schema.TEXT: ["La police municipale patrouille."]})
    with pytest.raises(
        schema.SchemaError, match="« segment_id » \\(vouliez-vous dire « segment_ID »"
    ):
        schema.require_columns(table, schema.SEGMENT_ID, schema.TEXT, table="segments")


def test_repeated_identifiers_are_named() -> None:
    table = pd.DataFrame({schema.DOC_ID: ["nimes-2021", "dijon-2022", "nimes-2021"]})
    with pytest.raises(
        schema.SchemaError, match="répète des valeurs de « doc_id » : « nimes-2021 »"
    ):
        schema.require_unique(table, schema.DOC_ID, table="documents")


def test_unique_identifiers_pass() -> None:
    table = pd.DataFrame({schema.DOC_ID: ["nimes-2021", "dijon-2022"]})
    schema.require_unique(table, schema.DOC_ID, table="documents")
