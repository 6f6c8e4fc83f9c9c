"""The site's lab-ranges file (thrombo-lab-ranges.toml, interface.md section 1, 1.1).

Precedence for each limit: the result's own range, then the site's, then the criteria's
published fallback. Within the file a code's range beats its analyte's, a sex-specific range one
for both sexes; age bands are [age_from, age_to) in decimal years (days / 365.25). The ranges
below are made up for the tests (a site's file states its own assays'), except where named.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from thrombo.domain.codes import LOINC, Code
from thrombo.domain.records import Observation, Provenance
from thrombo.errors import SourceError
from thrombo.io.raw import RawObservation, RawPatient, SourceRecord
from thrombo.normalize.canonical_records import Context, normalize_record
from thrombo.normalize.codemap import CodeMap
from thrombo.normalize.labranges import LabRanges, lab_ranges_for, load_lab_ranges

SITE = """
[[sc5b9]]
unit = "ng/mL"
high = 244

[[ldh]]
unit = "U/L"
age_to = 1
high = 452

[[ldh]]
unit = "U/L"
age_from = 1
age_to = 10
high = 321

[[ldh]]
unit = "U/L"
age_from = 10
age_to = 15
sex = "F"
low = 157
high = 272

[[ldh]]
unit = "U/L"
age_from = 10
age_to = 15
sex = "M"
low = 170
high = 283

[["14805-6"]]
unit = "ukat/L"
high = 8

[[haptoglobin]]
unit = "g/L"
low = 0.3
high = 2.0

[[pt]]
unit = "s"
low = 11
high = 14

[[aptt]]
unit = "s"
low = 25
high = 38
"""

PROV = Provenance("test", "line 2")


def ranges(tmp_path: Path, text: str = SITE) -> LabRanges:
    path = tmp_path / "thrombo-lab-ranges.toml"
    path.write_text(text)
    return load_lab_ranges(path)


def context(tmp_path: Path, birth: date, sex: str = "F", text: str = SITE) -> Context:
    ctx = Context(UTC, CodeMap(), ranges(tmp_path, text))
    raw = RawPatient("P1", {"patient_id": "P1", "birth_date": birth.isoformat(), "sex": sex})
    normalize_record(SourceRecord(PROV, (raw,)), ctx)
    return ctx


def read(ctx: Context, code: Code | str, value: str, unit: str, when: date,
         low: str | None = None, high: str | None = None) -> Observation:
    raw = RawObservation("P1", datetime.combine(when, datetime.min.time(), UTC), code, value,
                         unit, low, high)
    (obs,) = normalize_record(SourceRecord(PROV, (raw,)), ctx).records
    assert isinstance(obs, Observation)
    return obs


def test_sc5b9_without_a_range_takes_the_sites_and_says_so(tmp_path: Path) -> None:
    obs = read(context(tmp_path, date(2016, 6, 1)), "sc5b9", "180", "ng/mL", date(2026, 2, 10))
    assert (obs.ref_low, obs.ref_high) == (None, 244.0)
    assert obs.ref_source == "site range, thrombo-lab-ranges.toml: sc5b9"


def test_the_results_own_range_wins_limit_by_limit(tmp_path: Path) -> None:
    ctx = context(tmp_path, date(2016, 6, 1))
    own = read(ctx, "sc5b9", "180", "ng/mL", date(2026, 2, 10), high="300")
    assert (own.ref_high, own.ref_source) == (300.0, None)
    # Haptoglobin with only its own low limit: the high limit comes from the site (2.0 g/L =
    # 200 mg/dL: mg/dL / 100 = g/L, clinical-reference.md section H).
    hapto = read(ctx, "haptoglobin", "20", "mg/dL", date(2026, 2, 10), low="40")
    assert (hapto.ref_low, hapto.ref_high) == (40.0, 200.0)
    assert hapto.ref_source is not None and "haptoglobin" in hapto.ref_source


def test_no_site_range_leaves_the_published_fallback_to_the_criteria(tmp_path: Path) -> None:
    obs = read(context(tmp_path, date(2016, 6, 1)), "platelets", "45", "10*9/L",
               date(2026, 2, 10))
    assert (obs.ref_low, obs.ref_high, obs.ref_source) == (None, None, None)


@pytest.mark.parametrize(("birth", "on", "sex", "expected"), [
    # Age bands are [age_from, age_to) in completed age: the 1st birthday itself belongs to the
    # 1-10 band (365 days / 365.25 = 0.9993 decimal years would have kept it in the infant band).
    (date(2025, 2, 10), date(2026, 2, 9), "F", 452.0),  # the eve of the 1st birthday
    (date(2025, 2, 10), date(2026, 2, 10), "F", 321.0),  # the 1st birthday
    (date(2025, 2, 10), date(2026, 2, 11), "F", 321.0),  # 366 days: 1.002 y
    (date(2016, 2, 10), date(2026, 2, 9), "F", 321.0),  # 3651 days: 9.9959 y
    (date(2016, 2, 10), date(2026, 2, 11), "F", 272.0),  # 3653 days: 10.0014 y, girl
    (date(2016, 2, 10), date(2026, 2, 11), "M", 283.0),  # the same age, boy
    (date(2011, 2, 10), date(2026, 2, 11), "F", None),  # 15 y: no band (fallback)
])
def test_age_band_and_sex_edges(
    tmp_path: Path, birth: date, on: date, sex: str, expected: float | None
) -> None:
    """Decimal age = days / 365.25: 365 days is 0.9993 y, so the 1-10 band starts on day 366
    (a leap-day-free year); 3653 days = 10.0014 y. The file has no band from 15 years."""
    obs = read(context(tmp_path, birth, sex), "ldh", "300", "U/L", on)
    assert obs.ref_high == expected


def test_a_patient_of_unknown_sex_gets_no_sex_specific_range(tmp_path: Path) -> None:
    obs = read(context(tmp_path, date(2014, 1, 1), "U"), "ldh", "300", "U/L", date(2026, 2, 10))
    assert obs.ref_high is None


def test_a_codes_range_beats_its_analytes(tmp_path: Path) -> None:
    """LDH by the pyruvate-to-lactate method (14805-6) reads almost two-fold higher than by
    lactate to pyruvate (clinical-reference.md E5), hence a range of its own: 8 ukat/L = 480 U/L
    (1 ukat/L = 60 U/L, section H)."""
    ctx = context(tmp_path, date(2020, 1, 1))
    by_code = read(ctx, Code(LOINC, "14805-6"), "400", "U/L", date(2026, 2, 10))
    assert by_code.ref_high == 480.0
    assert by_code.ref_source is not None and "14805-6" in by_code.ref_source
    other = read(ctx, Code(LOINC, "2532-0"), "400", "U/L", date(2026, 2, 10))
    assert other.ref_high == 321.0


def test_pt_and_aptt_ranges(tmp_path: Path) -> None:
    ctx = context(tmp_path, date(2020, 1, 1))
    pt = read(ctx, "pt", "13", "s", date(2026, 2, 10))
    aptt = read(ctx, "aptt", "40", "s", date(2026, 2, 10))
    assert (pt.ref_low, pt.ref_high, aptt.ref_low, aptt.ref_high) == (11, 14, 25, 38)


def test_a_result_read_before_its_patient_takes_only_unbanded_ranges(tmp_path: Path) -> None:
    ctx = Context(UTC, CodeMap(), ranges(tmp_path))
    sc5b9 = read(ctx, "sc5b9", "180", "ng/mL", date(2026, 2, 10))
    ldh = read(ctx, "ldh", "300", "U/L", date(2026, 2, 10))
    assert (sc5b9.ref_high, ldh.ref_high) == (244.0, None)


@pytest.mark.parametrize(("text", "message"), [
    ("[[ferritin]]\nunit = 'ng/mL'\nhigh = 300\n", "'ferritin' is neither an analyte key"),
    ("[[sc5b9]]\nhigh = 244\n", "unit missing"),
    ("[[sc5b9]]\nunit = 'ng/mL'\n", "neither low nor high given"),
    ("[[sc5b9]]\nunit = 'ng/mL'\nlow = 300\nhigh = 244\n", "low 300 is above high 244"),
    ("[[sc5b9]]\nunit = 'mmHg'\nhigh = 244\n", "cannot express sc5b9"),
    ("[[sc5b9]]\nunit = 'ng/mL'\nhigh = '244'\n", "high must be a number"),
    ("[[sc5b9]]\nunit = 'ng/mL'\nhigh = 244\nsex = 'female'\n", "sex must be F or M"),
    ("[[sc5b9]]\nunit = 'ng/mL'\nhigh = 244\nuln = 3\n", "unknown field 'uln'"),
    ("[[ldh]]\nunit = 'U/L'\nage_from = 5\nage_to = 5\nhigh = 300\n",
     "age_from 5 is not below age_to 5"),
    ("[[ldh]]\nunit = 'U/L'\nage_to = 10\nhigh = 300\n[[ldh]]\nunit = 'U/L'\nage_from = 9\n"
     "high = 280\n", "two ranges for ldh overlap in age"),
    ("[[sc5b9]\nunit = 'ng/mL'\n", "not valid TOML"),
    ("sc5b9 = 3\n", "expected a table"),
])
def test_a_malformed_file_is_refused_in_one_line(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(SourceError) as error:
        ranges(tmp_path, text)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert "thrombo-lab-ranges.toml" in str(error.value)


def test_the_file_is_found_in_the_dataset_folder_or_named(tmp_path: Path) -> None:
    assert not lab_ranges_for(tmp_path)
    (tmp_path / "thrombo-lab-ranges.toml").write_text(SITE)
    assert len(lab_ranges_for(tmp_path).ranges) == 9
    other = tmp_path / "site.toml"
    other.write_text("[[sc5b9]]\nunit = 'ng/mL'\nhigh = 300\n")
    assert [r.high for r in lab_ranges_for(tmp_path, other).ranges] == [300.0]
    with pytest.raises(SourceError, match="no such lab-ranges file"):
        lab_ranges_for(tmp_path, tmp_path / "missing.toml")
