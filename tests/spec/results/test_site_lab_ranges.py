"""A site's sC5b-9 range decides a case the per-result ranges left open (issue 17, item 21).

Girl born 2016-06-01 (9 years), allogeneic transplant 2026-01-01, engrafted day +20/+25. Three
harmonized-2023 markers (clinical-reference.md A1) are met on days +40 and +42: anaemia (Hb 11.0
-> 9.8 -> 9.2 g/dL), thrombocytopenia (150 -> 60 -> 55 x 10^9/L) and LDH above the laboratory's
ULN 320 U/L (900, 1000). Schistocytes absent, blood pressure 100/60 (below her 99th percentile
for every height), rUPCR 0.1 mg/mg (< 1). sC5b-9 180-190 ng/mL is reported without a range.

- Without a site range: sC5b-9 is indeterminate ("assay-specific ULN", A1 row 6), 3 met + 1
  indeterminate could still reach 4 of 7: insufficient-data, for ever.
- With the site's thrombo-lab-ranges.toml (sC5b-9 ULN 244 ng/mL, a made-up assay range): sC5b-9
  is not met, 3 of 7 can never be 4: no-ta-tma. The same on the reference and DuckDB engines,
  and from the store after `thrombo import --lab-ranges`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from thrombo.engines import screen_with
from thrombo.population.dataset_folder import screen_dataset
from thrombo.population.options import BulkOptions
from thrombo.rules.registry import criteria_set
from thrombo.store.sources import load_source

PATIENTS = ("patient_id,birth_date,sex,hsct_date,neutrophil_engraftment_date,"
            "platelet_engraftment_date\nP01,2016-06-01,F,2026-01-01,2026-01-21,2026-01-26\n")
DAYS = {30: ("150", "11.0", "250", "150"), 40: ("60", "9.8", "900", "180"),
        42: ("55", "9.2", "1000", "190")}
SITE_RANGES = '[[sc5b9]]\nunit = "ng/mL"\nhigh = 244\n'
AS_OF = date(2026, 2, 20)


def dataset(folder: Path, site_ranges: bool) -> Path:
    folder.mkdir()
    (folder / "patients.csv").write_text(PATIENTS)
    rows = ["patient_id,time,code,value,unit,ref_low,ref_high"]
    for offset, (plt, hb, ldh, c5b9) in DAYS.items():
        t = date.fromordinal(date(2026, 1, 1).toordinal() + offset).isoformat() + "T08:00:00Z"
        rows += [f"P01,{t},platelets,{plt},10*9/L,,", f"P01,{t},hemoglobin,{hb},g/dL,,",
                 f"P01,{t},ldh,{ldh},U/L,,320", f"P01,{t},schistocytes,absent,,,",
                 f"P01,{t},systolic_bp,100,mm[Hg],,", f"P01,{t},diastolic_bp,60,mm[Hg],,",
                 f"P01,{t},upcr,0.1,mg/mg,,", f"P01,{t},sc5b9,{c5b9},ng/mL,,"]
    (folder / "observations.csv").write_text("\n".join(rows) + "\n")
    if site_ranges:
        (folder / "thrombo-lab-ranges.toml").write_text(SITE_RANGES)
    return folder


def both_engines(folder: Path) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    criteria = criteria_set("harmonized-2023")
    reference = screen_with("reference", load_source(str(folder)).timelines, criteria, AS_OF)
    duck, _ = screen_dataset(folder, criteria, BulkOptions(AS_OF))
    return [(p.status, p.criteria_met, p.criteria_indeterminate)
            for result in (reference, duck) for p in result.patients]


def thrombo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from thrombo.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_without_a_site_range_sc5b9_stays_indeterminate(tmp_path: Path) -> None:
    got = both_engines(dataset(tmp_path / "d", site_ranges=False))
    assert got == [("insufficient-data", ("anemia", "thrombocytopenia", "ldh"), ("sc5b9",))] * 2


def test_the_site_range_decides_the_case(tmp_path: Path) -> None:
    folder = dataset(tmp_path / "d", site_ranges=True)
    assert both_engines(folder) == [("no-ta-tma", ("anemia", "thrombocytopenia", "ldh"), ())] * 2
    (timeline,) = load_source(str(folder)).timelines
    sc5b9 = [o for o in timeline.observations if o.analyte == "sc5b9"]
    assert {(o.ref_high, o.ref_source) for o in sc5b9} == {
        (244.0, "site range, thrombo-lab-ranges.toml: sc5b9")}


def test_import_with_lab_ranges_stores_the_range_and_its_source(tmp_path: Path) -> None:
    folder = dataset(tmp_path / "d", site_ranges=False)
    site = tmp_path / "site.toml"
    site.write_text(SITE_RANGES)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    imported = thrombo("import", str(folder), "--db", db, "--lab-ranges", str(site), "--json")
    assert imported.returncode == 0, imported.stderr
    (timeline,) = load_source(db).timelines
    assert {(o.ref_high, o.ref_source) for o in timeline.observations if o.analyte == "sc5b9"} \
        == {(244.0, "site range, site.toml: sc5b9")}
    screened = thrombo("screen", db, "--as-of", AS_OF.isoformat(), "--json")
    assert json.loads(screened.stdout)["patients"][0]["status"] == "no-ta-tma"


def test_a_malformed_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = dataset(tmp_path / "d", site_ranges=False)
    (folder / "thrombo-lab-ranges.toml").write_text('[[sc5b9]]\nhigh = 244\n')
    result = thrombo("screen", str(folder), "--json")
    assert result.returncode == 2
    assert "unit missing" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_evidence_names_the_site_range(tmp_path: Path) -> None:
    """sC5b-9 280 ng/mL on day +42 is >= the site's ULN 244: met, and the evidence says whose."""
    folder = dataset(tmp_path / "d", site_ranges=True)
    text = (folder / "observations.csv").read_text().replace("sc5b9,190,", "sc5b9,280,")
    (folder / "observations.csv").write_text(text)
    (timeline,) = load_source(str(folder)).timelines
    result = screen_with("reference", [timeline], criteria_set("harmonized-2023"), AS_OF)
    (patient,) = result.patients
    (evidence,) = [e for e in patient.evidence if e.criterion == "sc5b9"]
    assert evidence.threshold == ">= ULN 244 ng/mL (site range, thrombo-lab-ranges.toml: sc5b9)"
