"""A quantity read back from its JSON (stored screening results keep evidence values as JSON)
is the quantity written: exact values and every comparator a censored result can carry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrombo.domain.quantities import Quantity

COMPARATORS = [None, "<", "<=", ">", ">="]


@given(value=st.floats(allow_nan=False, allow_infinity=False),
       unit=st.sampled_from(["10*9/L", "U/L", "mg/dL", "mm[Hg]", "ukat/L"]),
       comparator=st.sampled_from(COMPARATORS))
def test_from_json_inverts_to_json(value: float, unit: str, comparator: str | None) -> None:
    quantity = Quantity(value, unit, comparator)  # type: ignore[arg-type]
    assert Quantity.from_json(quantity.to_json()) == quantity


def test_an_unknown_comparator_is_refused() -> None:
    with pytest.raises(ValueError, match="not a comparator"):
        Quantity.from_json({"value": 10, "unit": "10*9/L", "comparator": "~"})
