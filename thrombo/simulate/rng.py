"""One independent random stream per patient, derived from (seed, stream, patient index).

Because each patient's stream depends only on the seed and the patient's own index, patient k is
the same whatever the cohort size and however the writer chunks the cohort.
"""

from __future__ import annotations

import numpy as np

HSCT_STREAM = 1
ITP_STREAM = 2
BENCH_STREAM = 3


def patient_rng(seed: int, stream: int, index: int) -> np.random.Generator:
    """PCG64 seeded by `SeedSequence(seed, spawn_key=(stream, index))`: independent streams."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(stream, index))
    return np.random.Generator(np.random.PCG64(sequence))


def uniform_int(rng: np.random.Generator, low: int, high: int) -> int:
    """An integer from `low` to `high`, both included."""
    return int(rng.integers(low, high + 1))
