"""The web dose form questions a weight as `thrombo dose` does (issue 17, finding 6)."""

from fastapi.testclient import TestClient

from tests.security.test_csrf import signed_in_browser
from thrombo.api import security


def test_the_form_refuses_184_kg_for_a_5_year_old_until_the_box_is_ticked(
    client: TestClient,
) -> None:
    """184 kg at 5 years (z +5.3): 422 with the reason; ticked: 1150.0 mg with the alert."""
    browser, token = signed_in_browser(client, "clin1")
    form = {"drug": "defibrotide", "weight_kg": "184", "age_years": "5",
            security.CSRF_FIELD: token}  # fmt: skip
    refused = browser.post("/dose", data=form)
    assert refused.status_code == 422
    assert "far above the CDC 2000 weight-for-age chart" in refused.text
    assert 'name="confirm_weight"' in refused.text
    confirmed = browser.post("/dose", data={**form, "confirm_weight": "on"})
    assert confirmed.status_code == 200
    assert 'id="weight-alert"' in confirmed.text
    assert "1150.0 mg" in confirmed.text


def test_a_weight_far_from_the_recorded_one_is_questioned(client: TestClient) -> None:
    browser, token = signed_in_browser(client, "clin1")
    answer = browser.post("/dose", data={"drug": "ivig", "weight_kg": "23",
                                         "recorded_weight_kg": "20",
                                         security.CSRF_FIELD: token})  # fmt: skip
    assert answer.status_code == 422
    assert "differs from the recorded 20 kg by +15%" in answer.text
