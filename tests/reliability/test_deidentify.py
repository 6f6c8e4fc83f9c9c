"""De-identified export: no identifier survives, intervals are kept, the output reads cleanly."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from thrombo.domain.records import PATIENT_DATE_FIELDS, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.store.deidentify import (
    MAX_SHIFT_DAYS,
    deidentify_timeline,
    export_deidentified,
    shift_days,
)
from thrombo.store.sources import load_source

BAD_ROWS = Path(__file__).parents[1] / "fixtures" / "datasets" / "bad_rows"
KEY = b"k" * 32


def _export(tmp_path: Path, key: bytes | None = KEY, suppress_below: int = 0) -> Path:
    out = tmp_path / "export"
    export_deidentified(load_source(str(BAD_ROWS)).timelines, out, key, suppress_below)
    return out


def test_no_identifier_survives(tmp_path: Path) -> None:
    out = _export(tmp_path)
    text = "".join(p.read_text() for p in out.iterdir())
    for identifier in (
        "P01",
        "P02",
        "A123",
        "A124",
        "mrn_local",
        "during infusion",
        "2015-03-02",
        "2019-07-15",
        "bad_rows",
    ):
        assert identifier not in text


def test_intervals_between_a_patients_dates_are_unchanged(tmp_path: Path) -> None:
    original = {t.patient.birth_date: t for t in load_source(str(BAD_ROWS)).timelines}
    exported = load_source(str(_export(tmp_path))).timelines
    assert len(exported) == 2
    for t in exported:
        shift = next(
            b
            for b in original
            if 0 < abs((t.patient.birth_date - b).days) <= MAX_SHIFT_DAYS
            and original[b].patient.sex == t.patient.sex
        )
        before = original[shift]
        assert t.patient.birth_date != before.patient.birth_date
        assert before.patient.hsct_date and t.patient.hsct_date
        assert (t.patient.hsct_date - t.patient.birth_date) == (
            before.patient.hsct_date - before.patient.birth_date
        )
        assert [(o.analyte, o.value) for o in t.observations] == [
            (o.analyte, o.value) for o in before.observations
        ]
        first, first_before = t.observations[0].time, before.observations[0].time
        assert [o.time - first for o in t.observations] == [
            o.time - first_before for o in before.observations
        ]


def test_export_reads_back_with_nothing_quarantined(tmp_path: Path) -> None:
    loaded = load_source(str(_export(tmp_path)))
    assert loaded.summary is not None
    assert loaded.summary.total_quarantined == 0


def test_same_key_same_pseudonyms_and_random_key_differs(tmp_path: Path) -> None:
    a = {t.patient_id for t in load_source(str(_export(tmp_path / "a"))).timelines}
    b = {t.patient_id for t in load_source(str(_export(tmp_path / "b"))).timelines}
    c = {t.patient_id for t in load_source(str(_export(tmp_path / "c", key=None))).timelines}
    assert a == b
    assert a.isdisjoint(c)


def test_small_centres_are_suppressed_on_request(tmp_path: Path) -> None:
    centres = {
        t.patient.center for t in load_source(str(_export(tmp_path, suppress_below=5))).timelines
    }
    assert centres == {"other"}


@given(pid=st.text(min_size=1, max_size=20), key=st.binary(min_size=16, max_size=32))
def test_shift_is_never_zero_and_bounded(pid: str, key: bytes) -> None:
    from datetime import date

    days = shift_days(key, Patient(pid, date(2015, 1, 1)))
    assert days != 0
    assert -MAX_SHIFT_DAYS <= days <= MAX_SHIFT_DAYS


def test_every_date_of_the_patient_record_is_shifted() -> None:
    """A date field added to Patient but not to PATIENT_DATE_FIELDS would leave the export
    unshifted (a real date): every date-typed field must be in the list."""
    day = date(2020, 1, 1)
    dated = {f.name for f in fields(Patient) if "date" in str(f.type)}
    assert dated == {"birth_date", *PATIENT_DATE_FIELDS}
    patient = Patient("P1", day, **dict.fromkeys(PATIENT_DATE_FIELDS, day))  # type: ignore[arg-type]
    moved = deidentify_timeline(PatientTimeline.build(patient, [], [], []), KEY, None).patient
    assert all(getattr(moved, name) != day for name in dated)


def test_a_lone_small_centre_is_merged_with_the_next_smallest() -> None:
    """Complementary suppression: "other" holding one small centre would name it."""
    from collections import Counter

    from thrombo.store.deidentify import small_centres

    assert small_centres(Counter({"A": 40, "B": 12, "C": 3}), 5) == {"B", "C"}
    assert small_centres(Counter({"A": 40, "C": 3, "D": 2}), 5) == {"C", "D"}
    assert small_centres(Counter({"A": 40, "B": 12}), 5) == set()


def test_formula_cells_are_neutralised(tmp_path: Path) -> None:
    """A centre named like a spreadsheet formula is exported as text (OWASP CSV injection)."""
    from dataclasses import replace as replaced

    from thrombo.store.deidentify import cell_safe

    timelines = load_source(str(BAD_ROWS)).timelines
    hostile = [PatientTimeline.build(replaced(t.patient, center="=HYPERLINK(\"http://x\")"),
                                     t.observations, t.medications, t.events, t.tz)
               for t in timelines]
    export_deidentified(hostile, tmp_path / "out", KEY)
    centres = (tmp_path / "out" / "patients.csv").read_text()
    assert "'=HYPERLINK" in centres
    assert cell_safe("@SUM(A1)") == "'@SUM(A1)" and cell_safe("site-a") == "site-a"
