"""POST /api/v1/dose takes `thrombo dose`'s inputs, weight check included (issue 17, finding 6)."""

from fastapi.testclient import TestClient

from tests.api.conftest import auth


def _dose(client: TestClient, token: str, **body: object) -> tuple[int, dict[str, object]]:
    answer = client.post("/api/v1/dose", headers=auth(token), json={"drug": "defibrotide", **body})
    return answer.status_code, answer.json()


def test_a_tenfold_weight_is_refused_until_confirmed(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """184 kg typed for 18.4 kg in a 5-year-old: z +5.3 on the CDC 2000 chart -> 422; with
    confirm_weight the dose is 6.25 x 184 = 1150 mg and its first warning names the query."""
    status, body = _dose(client, tokens["clin1"], weight_kg=184, age_years=5)
    assert status == 422
    assert "--confirm-weight" in str(body["detail"])
    status, body = _dose(client, tokens["clin1"], weight_kg=184, age_years=5, confirm_weight=True)
    assert status == 200
    assert body["dose"] == {"value": 1150.0, "unit": "mg"}
    warnings = body["warnings"]
    assert isinstance(warnings, list) and warnings[0].startswith("WEIGHT CONFIRMED")


def test_birth_date_recorded_weight_and_weight_date_as_on_the_command_line(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """Born 2020-03-01, dosed 2026-03-01: 6.0 years (the birthday). 18.4 kg against a recorded
    18.0 kg (+2%) is not questioned; weighed 2025-11-01, 120 days before: re-weigh warning."""
    status, body = _dose(
        client, tokens["clin1"], weight_kg=18.4, birth_date="2020-03-01", as_of="2026-03-01",
        recorded_weight_kg=18.0, weight_date="2025-11-01",
    )  # fmt: skip
    assert status == 200
    check = body["inputs"]["weight_check"]  # type: ignore[index]
    assert check["questioned"] is False and check["weight_age_days"] == 120
    assert any("re-weigh" in w for w in body["warnings"])  # type: ignore[union-attr]


def test_hepatic_impairment_and_bsa_formula_are_accepted(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """Eltrombopag label: hepatic impairment starts at 25 mg even at 8 years (D1)."""
    status, body = _dose(client, tokens["clin1"], drug="eltrombopag", age_years=8,
                         hepatic_impairment=True)  # fmt: skip
    assert status == 200 and body["dose"] == {"value": 25.0, "unit": "mg"}
    status, body = _dose(client, tokens["clin1"], drug="rituximab", weight_kg=20,
                         bsa_formula="costeff")  # fmt: skip
    assert status == 200 and body["rules"]["options"]["bsa_formula"] == "costeff"  # type: ignore[index]
