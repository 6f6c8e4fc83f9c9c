"""Checks shared by the time-to-event estimators (Kaplan-Meier, Aalen-Johansen)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from thrombo.errors import ImplausibleValueError


def follow_up_and_marks(
    durations: Sequence[float], marks: Sequence[Any], *, marks_name: str, estimate: str
) -> tuple[NDArray[np.float64], NDArray[Any]]:
    """Follow-up times (finite, >= 0) and a same-length array of marks (event flags or causes),
    refused with one clear message when the two lists do not fit together."""
    times = np.asarray(durations, dtype=np.float64)
    kinds = np.asarray(marks)
    if times.ndim != 1 or times.shape != kinds.shape:
        raise ImplausibleValueError(
            f"durations and {marks_name} must be two lists of the same length, got "
            f"{times.shape} and {kinds.shape}")
    if times.size == 0:
        raise ImplausibleValueError(f"a {estimate} needs at least one patient")
    if not np.all(np.isfinite(times)) or np.any(times < 0):
        raise ImplausibleValueError("follow-up times must be finite and not negative")
    return times, kinds
