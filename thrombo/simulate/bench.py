"""A large observations table for the screening benchmarks, generated vectorised.

`simulate_observations_table(rows_target, seed, path)` writes the dataset folder `path` with
`observations.parquet` (the interface.md observation columns, typed for speed: `time` as a
timestamp in site-local time, `value` as a double: every analyte here is quantitative, with
schistocytes counted per high-power field), `patients.csv` and `truth.csv`. It writes blocks of
patients at a time, so memory stays bounded whatever the size.

Each patient has one height and then daily results of eight screening analytes for
`DAYS_PER_PATIENT` days after platelet engraftment. TA-TMA patients (a tenth) follow the same
order of appearance as the cohort simulator (LDH, proteinuria and hypertension, then
cytopenias, then schistocytes); infection look-alikes (another tenth) meet three criteria.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from thrombo.errors import ThromboUserError
from thrombo.simulate.body import model_height_cm
from thrombo.simulate.config import COHORT_EPOCH, ENROLMENT_SPAN_DAYS
from thrombo.simulate.course import HYPERTENSIVE_DBP, HYPERTENSIVE_SBP, NORMAL_DBP, NORMAL_SBP
from thrombo.simulate.labs import PROFILES, noisy
from thrombo.simulate.rng import BENCH_STREAM, patient_rng

DAYS_PER_PATIENT = 60
UNIX_EPOCH = date(1970, 1, 1)
BLOCK_PATIENTS = 10_000
TMA_SHARE = 0.10
INFECTION_SHARE = 0.10
FIRST_DAY_AFTER_HSCT = 20
PROFILE = PROFILES[0]
# (key, code, unit, hour of day) in the order written each day.
ANALYTES = (
    ("platelets", "777-3", PROFILE.platelet_unit, 6),
    ("hemoglobin", "718-7", "g/dL", 6),
    ("ldh", "2532-0", "U/L", 6),
    ("sc5b9", "sc5b9", "ng/mL", 6),
    ("schistocytes", "schistocytes", "/[HPF]", 6),
    ("systolic_bp", "8480-6", "mm[Hg]", 8),
    ("diastolic_bp", "8462-4", "mm[Hg]", 8),
    ("upcr", "2890-2", "mg/mg", 10),
)
HEIGHT = ("height", "8302-2", "cm", 5)
SCHEMA = pa.schema([
    ("patient_id", pa.dictionary(pa.int32(), pa.string())),
    ("time", pa.timestamp("s")),
    ("code", pa.dictionary(pa.int8(), pa.string())),
    ("value", pa.float64()),
    ("unit", pa.dictionary(pa.int8(), pa.string())),
    ("ref_low", pa.float64()),
    ("ref_high", pa.float64()),
])


@dataclass(frozen=True, slots=True)
class BenchTable:
    path: Path
    rows: int
    patients: int
    tma_patients: int


def _patient_ids(first: int, count: int) -> list[str]:
    return [f"B{first + i + 1:08d}" for i in range(count)]


Arrays = dict[str, np.ndarray]


def _block_values(rng: np.random.Generator, n: int) -> tuple[Arrays, Arrays]:
    """Daily true values (n patients x days) and per-patient facts for one block."""
    d = DAYS_PER_PATIENT
    day = np.arange(d)[None, :]
    age = rng.uniform(1.0, 18.0, n)[:, None]
    cohort = rng.random(n)
    tma = (cohort < TMA_SHARE)[:, None]
    infection = ((cohort >= TMA_SHARE) & (cohort < TMA_SHARE + INFECTION_SHARE))[:, None]
    onset = rng.integers(5, d - 20, n)[:, None]
    after = day >= onset
    cytopenic = day >= onset + 1
    episode = infection & after & (day < onset + 10)
    plt = np.broadcast_to(rng.uniform(120.0, 300.0, (n, 1)), (n, d)).copy()
    hb = np.broadcast_to(rng.uniform(9.5, 12.0, (n, 1)), (n, d)).copy()
    ldh = np.broadcast_to(rng.uniform(0.55, 0.8, (n, 1)), (n, d)).copy()
    plt = np.where((tma & cytopenic), plt * rng.uniform(0.15, 0.35, (n, 1)), plt)
    plt = np.where(episode & cytopenic, plt * rng.uniform(0.25, 0.45, (n, 1)), plt)
    hb = np.where((tma | episode) & cytopenic, hb - rng.uniform(1.5, 2.5, (n, 1)), hb)
    ldh = np.where(tma & after, rng.uniform(1.5, 4.0, (n, 1)), ldh)
    ldh = np.where(episode, rng.uniform(1.2, 2.0, (n, 1)), ldh)
    elevated = tma & (rng.random((n, 1)) < 0.6) & after
    sc5b9 = np.where(elevated, rng.uniform(1.3, 3.0, (n, 1)), rng.uniform(0.3, 0.75, (n, 1)))
    schist = np.where(tma & (day >= onset + 3), rng.integers(2, 9, (n, d)), 0).astype(float)
    hypertensive = tma & after
    sbp = np.where(hypertensive, HYPERTENSIVE_SBP[0] + HYPERTENSIVE_SBP[1] * age + 8.0,
                   NORMAL_SBP[0] + NORMAL_SBP[1] * age - 1.0)
    dbp = np.where(hypertensive, HYPERTENSIVE_DBP[0] + HYPERTENSIVE_DBP[1] * age + 5.0,
                   NORMAL_DBP[0] + NORMAL_DBP[1] * age - 1.0)
    upcr = np.where(tma & after, rng.uniform(1.3, 5.0, (n, 1)), rng.uniform(0.05, 0.25, (n, 1)))
    values = {
        "platelets": noisy(rng, "platelets", plt),
        "hemoglobin": noisy(rng, "hemoglobin", hb),
        "ldh": noisy(rng, "ldh", ldh) * PROFILE.ldh_range[1],
        "sc5b9": noisy(rng, "sc5b9", np.broadcast_to(sc5b9, (n, d))) * PROFILE.sc5b9_ref_high,
        "schistocytes": schist,
        "systolic_bp": noisy(rng, "systolic_bp", np.broadcast_to(sbp, (n, d))),
        "diastolic_bp": noisy(rng, "diastolic_bp", np.broadcast_to(dbp, (n, d))),
        "upcr": noisy(rng, "upcr", np.broadcast_to(upcr, (n, d))),
    }
    facts = {"age": age[:, 0], "tma": tma[:, 0], "onset": onset[:, 0],
             "sex_f": rng.random(n) < 0.5,
             "hsct_day": rng.integers(0, ENROLMENT_SPAN_DAYS, n)}
    return values, facts


def _block_table(first: int, values: Arrays, facts: Arrays, keep: int) -> pa.Table:
    """The block as long-format rows, cut to its first `keep` rows before any arrow array is
    built (slicing arrow arrays with nulls gave different parquet bytes from run to run)."""
    n = len(facts["age"])
    a = len(ANALYTES)
    width = 1 + DAYS_PER_PATIENT * a
    epoch = (COHORT_EPOCH - UNIX_EPOCH).days * 86_400
    start = epoch + (facts["hsct_day"] + FIRST_DAY_AFTER_HSCT) * 86_400
    hours = np.array([hour for *_, hour in ANALYTES]) * 3600
    day_seconds = np.arange(DAYS_PER_PATIENT)[:, None] * 86_400 + hours[None, :]
    times = np.empty((n, width), dtype=np.int64)
    times[:, 0] = start + HEIGHT[3] * 3600
    times[:, 1:] = start[:, None] + day_seconds.reshape(1, -1)
    matrix = np.empty((n, width))
    matrix[:, 0] = np.round([model_height_cm(x) for x in facts["age"]], 1)
    stacked = np.stack([values[key] for key, *_ in ANALYTES], axis=2)
    matrix[:, 1:] = stacked.reshape(n, -1)
    matrix = np.round(matrix, 2)
    codes = np.concatenate([[0], np.tile(np.arange(1, a + 1), DAYS_PER_PATIENT)]).astype(np.int8)
    code_dictionary = [HEIGHT[1], *[code for _, code, _, _ in ANALYTES]]
    # A dictionary must not repeat a value (both blood pressures are in mm[Hg]): with repeats
    # the parquet writer's dictionary pages differ from run to run.
    unit_of_code = [HEIGHT[2], *[unit for _, _, unit, _ in ANALYTES]]
    unit_dictionary = sorted(set(unit_of_code))
    unit_index = np.array([unit_dictionary.index(u) for u in unit_of_code], dtype=np.int8)
    ref_high = np.full(a + 1, np.nan)
    ref_low = np.full(a + 1, np.nan)
    ref_low[3], ref_high[3] = PROFILE.ldh_range
    ref_high[4] = PROFILE.sc5b9_ref_high
    all_codes = np.tile(codes, n)[:keep]
    patient_index = np.repeat(np.arange(n, dtype=np.int32), width)[:keep]
    low, high = ref_low[all_codes], ref_high[all_codes]
    kept = -(-keep // width)
    return pa.Table.from_arrays([
        pa.DictionaryArray.from_arrays(patient_index, pa.array(_patient_ids(first, kept))),
        pa.array(times.reshape(-1)[:keep], pa.timestamp("s")),
        pa.DictionaryArray.from_arrays(all_codes, pa.array(code_dictionary)),
        pa.array(matrix.reshape(-1)[:keep]),
        pa.DictionaryArray.from_arrays(unit_index[all_codes], pa.array(unit_dictionary)),
        pa.array(low, mask=np.isnan(low)),
        pa.array(high, mask=np.isnan(high)),
    ], schema=SCHEMA)


def _patient_rows(first: int, facts: dict[str, np.ndarray]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for i, pid in enumerate(_patient_ids(first, len(facts["age"]))):
        hsct = COHORT_EPOCH.toordinal() + int(facts["hsct_day"][i])
        birth = hsct - round(float(facts["age"][i]) * 365.25)
        rows.append((
            pid, _iso(birth), "F" if facts["sex_f"][i] else "M", "C01", _iso(hsct),
            _iso(hsct + FIRST_DAY_AFTER_HSCT - 5),
            _iso(hsct + FIRST_DAY_AFTER_HSCT + DAYS_PER_PATIENT),
        ))
    return rows


def _truth_rows(first: int, facts: dict[str, np.ndarray]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for i, pid in enumerate(_patient_ids(first, len(facts["age"]))):
        hsct = COHORT_EPOCH.toordinal() + int(facts["hsct_day"][i])
        onset = hsct + FIRST_DAY_AFTER_HSCT + int(facts["onset"][i])
        tma = bool(facts["tma"][i])
        rows.append((pid, "tma" if tma else "no-tma", _iso(onset) if tma else ""))
    return rows


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def simulate_observations_table(rows_target: int, seed: int, path: Path) -> BenchTable:
    """Write about `rows_target` observation rows (exactly, the last patient cut short)."""
    if rows_target < 1:
        raise ThromboUserError("the benchmark table needs at least one row")
    path.mkdir(parents=True, exist_ok=True)
    width = 1 + DAYS_PER_PATIENT * len(ANALYTES)
    patients_total = -(-rows_target // width)
    written = tma_patients = 0
    with (
        pq.ParquetWriter(path / "observations.parquet", SCHEMA) as parquet,
        (path / "patients.csv").open("w", newline="", encoding="utf-8") as patients_file,
        (path / "truth.csv").open("w", newline="", encoding="utf-8") as truth_file,
    ):
        patients = csv.writer(patients_file, lineterminator="\n")
        truth = csv.writer(truth_file, lineterminator="\n")
        patients.writerow(("patient_id", "birth_date", "sex", "center", "hsct_date",
                           "platelet_engraftment_date", "last_contact_date"))
        truth.writerow(("patient_id", "cohort", "tma_onset_date"))
        for block, first in enumerate(range(0, patients_total, BLOCK_PATIENTS)):
            n = min(BLOCK_PATIENTS, patients_total - first)
            values, facts = _block_values(patient_rng(seed, BENCH_STREAM, block), n)
            keep = min(n * width, rows_target - written)
            table = _block_table(first, values, facts, keep)
            parquet.write_table(table)
            written += table.num_rows
            tma_patients += int(facts["tma"].sum())
            patients.writerows(_patient_rows(first, facts))
            truth.writerows(_truth_rows(first, facts))
    return BenchTable(path, written, patients_total, tma_patients)
