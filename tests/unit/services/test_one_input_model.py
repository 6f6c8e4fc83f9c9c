"""The command line and the API take the same inputs through one service input model (#18)."""

from __future__ import annotations

from datetime import date

import typer.main

import thrombo.cli.dose  # noqa: F401  (registers the command)
from thrombo.api.schemas import DoseRequest as ApiDoseRequest
from thrombo.cli.app import app
from thrombo.services.dose import DoseRequest, dose

PRESENTATION_ONLY = {"tz", "as_json"}
"""Options that say how to read dates or print, not what to dose."""


def test_every_dose_option_is_a_field_of_the_api_body() -> None:
    command = typer.main.get_command(app).commands["dose"]  # type: ignore[attr-defined]
    options = {p.name for p in command.params} - PRESENTATION_ONLY
    assert options <= set(DoseRequest.model_fields)
    assert ApiDoseRequest is DoseRequest


def test_hepatic_impairment_and_bsa_formula_reach_the_calculation() -> None:
    """Vincristine 1.5 mg/m2 (clinical-reference.md D) for 12 kg, 85 cm: Mosteller
    sqrt(85 x 12 / 3600) = 0.532 m2, 0.795 mg; Haycock 0.024265 x 12^0.5378 x 85^0.3964 =
    0.537 m2, 0.81 mg. Eltrombopag at 8 years: the label's 50 mg start, 25 mg with hepatic
    impairment."""
    child = {"weight_kg": 12.0, "height_cm": 85.0, "age_years": 2.0, "as_of": date(2026, 3, 1)}
    mosteller = dose(DoseRequest(drug="vincristine", **child))
    haycock = dose(DoseRequest(drug="vincristine", bsa_formula="haycock", **child))
    assert mosteller.calculation == ("1.5 mg/m2 x 0.53 m2 = 0.795 mg",)
    assert haycock.calculation == ("1.5 mg/m2 x 0.54 m2 = 0.810 mg",)
    older = {"drug": "eltrombopag", "age_years": 8.0, "weight_kg": 25.0}
    assert dose(DoseRequest(**older)).to_json()["dose"]["value"] == 50.0
    impaired = dose(DoseRequest(**older, hepatic_impairment=True))
    assert impaired.to_json()["dose"]["value"] == 25.0
