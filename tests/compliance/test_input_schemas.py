"""The base of the input schemas: stripped text, and length limits as the schema publishes."""

import pytest
from pydantic import Field, ValidationError

from compliance.accounts.auth_schemas import TokenCreate
from compliance.cases.schemas import StatementIn
from compliance.errors import ValidationFailed
from compliance.validation import Input, parse


class Named(Input):
    name: str = Field(min_length=1, max_length=5)
    note: str = ""


def test_text_is_stripped_and_unknown_fields_refused() -> None:
    assert Named.model_validate({"name": " ab \n"}).name == "ab"
    with pytest.raises(ValidationError, match=r"extra_forbidden|Extra inputs"):
        Named.model_validate({"name": "ab", "colour": "red"})


def test_a_limit_holds_before_stripping() -> None:
    # 6 characters sent where the schema says at most 5: refused, though stripping leaves 5.
    with pytest.raises(ValidationError) as err:
        Named.model_validate({"name": " abcde"})
    assert err.value.errors()[0]["type"] == "string_too_long"
    assert err.value.errors()[0]["loc"] == ("name",)
    assert Named.model_validate({"name": "abcde"}).name == "abcde"


def test_blank_text_still_fails_its_minimum() -> None:
    with pytest.raises(ValidationError, match="at least 1"):
        Named.model_validate({"name": "   "})


def test_real_schemas_use_it() -> None:
    # The case schemathesis found: a token name of 101 characters, the first a whitespace.
    with pytest.raises(ValidationFailed) as err:
        parse(TokenCreate, {"name": "\u0085" + "x" * 100})
    assert [e.field for e in err.value.errors] == ["name"]
    assert parse(TokenCreate, {"name": " " + "x" * 99}).name == "x" * 99
    with pytest.raises(ValidationFailed):
        parse(StatementIn, {"text": " " * 8001})


def test_text_with_a_nul_character_is_refused() -> None:
    # PostgreSQL cannot store it (schemathesis sent one in a token name: a 500 there).
    with pytest.raises(ValidationFailed) as err:
        parse(TokenCreate, {"name": "ab\x00c"})
    assert [e.field for e in err.value.errors] == ["name"]
    assert "NUL" in err.value.errors[0].reason
