"""Synthetic paediatric cohorts, deterministic by seed: transplant recipients with and without
TA-TMA (and its look-alikes) treated with defibrotide, and children with ITP.

`write_dataset` writes the CSV dataset folder of interface.md section 1 (plus `truth.csv`, the
simulator's ground truth, which no reader uses); `simulate_observations_table` writes a large
observations table quickly for the screening benchmarks.
"""

from thrombo.simulate.bench import BenchTable, simulate_observations_table
from thrombo.simulate.config import SimulationConfig, SimulationConfigError
from thrombo.simulate.hsct import simulate_hsct_patient
from thrombo.simulate.itp import simulate_itp_patient
from thrombo.simulate.rows import SimulatedPatient
from thrombo.simulate.writer import FORMATS, WrittenDataset, iter_patients, write_dataset

__all__ = [
    "FORMATS",
    "BenchTable",
    "SimulatedPatient",
    "SimulationConfig",
    "SimulationConfigError",
    "WrittenDataset",
    "iter_patients",
    "simulate_hsct_patient",
    "simulate_itp_patient",
    "simulate_observations_table",
    "write_dataset",
]
