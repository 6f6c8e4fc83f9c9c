"""`thrombo dose` through Typer's CliRunner and the console entry point (interface.md)."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import thrombo.cli.dose  # noqa: F401  (registers the command until commands.py imports it)
from thrombo.cli.app import app
from thrombo.dosing.recommendation import DoseRefusedError
from thrombo.dosing.registry import DRUGS, entry_for
from thrombo.errors import ImplausibleValueError, MissingInputError

runner = CliRunner()


def test_defibrotide_json_matches_interface_example() -> None:
    """interface.md "dose --json" example for 18.4 kg."""
    result = runner.invoke(app, ["dose", "defibrotide", "--weight-kg", "18.4", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["dose"] == {"value": 115.0, "unit": "mg"}
    assert doc["per_day"] == {"value": 460.0, "unit": "mg"}
    assert doc["practical"]["vials"] == 1
    assert doc["practical"]["bag_volume_ml"] == {"low": 5.75, "high": 28.75}
    assert doc["rules"]["name"] == "defibrotide-ta-tma-protocol"


def test_human_plan_shows_the_arithmetic() -> None:
    result = runner.invoke(app, ["dose", "defibrotide", "--weight-kg", "18.4"])
    assert result.exit_code == 0, result.output
    for text in (
        "115.0 mg",
        "460.0 mg",
        "1.44",
        "5.75 to 28.75",
        "6.25 mg/kg x 18.4 kg",
        "ceil(115.0 mg / 200 mg) = 1",
    ):
        assert text in result.stdout


def test_eltrombopag_petit2_json_names_regimen_and_warns() -> None:
    args = ["dose", "eltrombopag", "--age-years", "4", "--weight-kg", "15", "--regimen",
            "petit2", "--ancestry", "east-asian", "--json"]  # fmt: skip
    doc = json.loads(runner.invoke(app, args).stdout)
    assert doc["regimen"] == "petit2"
    assert doc["dose"] == {"value": 12.0, "unit": "mg"}
    assert any("from memory, unverified" in w for w in doc["warnings"])


def test_dexamethasone_cap_in_json() -> None:
    doc = json.loads(
        runner.invoke(app, ["dose", "dexamethasone", "--weight-kg", "70", "--json"]).stdout
    )
    assert doc["capped"] is True
    assert doc["dose"]["value"] == 40.0
    assert doc["schedule"][0]["count"] == 4


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["dose", "defibrotide", "--weight-kg", "500"], ImplausibleValueError),
        (["dose", "defibrotide"], MissingInputError),
        (["dose", "rituximab", "--weight-kg", "30"], MissingInputError),
        (["dose", "anti-d", "--weight-kg", "20", "--hb-g-dl", "7"], DoseRefusedError),
        (["dose", "eltrombopag", "--weight-kg", "20"], MissingInputError),
    ],
)
def test_bad_inputs_raise_user_errors(args: list[str], error: type[Exception]) -> None:
    result = runner.invoke(app, args)
    assert isinstance(result.exception, error)


def test_unknown_drug_and_regimen_are_user_errors() -> None:
    assert runner.invoke(app, ["dose", "aspirin", "--weight-kg", "20"]).exception is not None
    bad = runner.invoke(app, ["dose", "ivig", "--weight-kg", "20", "--regimen", "petit2"])
    assert "regimens" in str(bad.exception)


def test_entry_point_prints_one_line_and_exits_2() -> None:
    """interface.md section 3: bad input -> exit 2, one line on stderr, no traceback."""
    code = "import thrombo.cli.dose; from thrombo.cli import main; main()"
    out = subprocess.run(
        [sys.executable, "-c", code, "dose", "defibrotide", "--weight-kg", "500"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0
    assert "500 kg is implausible" in out.stderr


def test_registry_lists_every_drug_and_aliases() -> None:
    assert {"defibrotide", "eculizumab", "eltrombopag", "romiplostim", "anti_d"} <= DRUGS.keys()
    assert entry_for("Anti-D")[0] == "anti_d"
    assert entry_for("prednisolone")[0] == "prednisone"


@pytest.mark.parametrize("drug", sorted(DRUGS))
def test_every_drug_doses_a_typical_child(drug: str) -> None:
    """Every registered drug answers for a 10-year-old, 32 kg, 138 cm, Hb 11 child."""
    args = ["dose", drug, "--weight-kg", "32", "--height-cm", "138", "--age-years", "10",
            "--hb-g-dl", "11", "--json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["drug"] == drug
    assert doc["dose"]["unit"] in {"g", "mg", "mcg"}
    assert doc["sources"]


def test_a_questioned_weight_needs_confirm_weight() -> None:
    """Issue 17 finding 6: 184 kg for a 5-year-old -> exit 2 naming --confirm-weight; with it the
    dose is given and the panel opens with the weight query."""
    args = ["dose", "defibrotide", "--weight-kg", "184", "--age-years", "5"]
    refused = runner.invoke(app, args)
    assert refused.exit_code != 0
    assert "--confirm-weight" in str(refused.exception)
    confirmed = runner.invoke(app, [*args, "--confirm-weight"])
    assert confirmed.exit_code == 0, confirmed.output
    assert confirmed.stdout.index("CHECK THE WEIGHT") < confirmed.stdout.index("1150.0 mg")


def test_birth_date_as_of_recorded_weight_and_weight_date() -> None:
    """Born 2020-03-01, dosed on the 6th birthday: eltrombopag 50 mg (the label's >= 6 y);
    a weight 95 days old is dosed with the re-weigh warning; 10% over the record is questioned."""
    doc = json.loads(runner.invoke(app, [
        "dose", "eltrombopag", "--birth-date", "2020-03-01", "--as-of", "2026-03-01", "--json",
    ]).stdout)  # fmt: skip
    assert doc["dose"]["value"] == 50.0
    stale = json.loads(runner.invoke(app, [
        "dose", "ivig", "--weight-kg", "20", "--weight-date", "2026-01-01", "--as-of",
        "2026-04-06", "--json",
    ]).stdout)  # fmt: skip
    assert any("95 days" in w for w in stale["warnings"])
    off = runner.invoke(app, ["dose", "ivig", "--weight-kg", "23", "--recorded-weight-kg", "20"])
    assert "+15%" in str(off.exception)
    both = runner.invoke(app, ["dose", "ivig", "--weight-kg", "20", "--age-years", "6",
                               "--birth-date", "2020-03-01"])  # fmt: skip
    assert "not both" in str(both.exception)


def test_help_documents_confirm_weight() -> None:
    result = runner.invoke(app, ["dose", "--help"], env={"COLUMNS": "200"})
    assert "--confirm-weight" in result.stdout
    assert "--recorded-weight-kg" in result.stdout and "--birth-date" in result.stdout
