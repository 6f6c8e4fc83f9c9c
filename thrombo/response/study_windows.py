"""The study's two time windows, shared by response assessment, the study endpoints and the
simulator so that each is written once."""

from __future__ import annotations

# "Complete resolution of TA-TMA within 28 days of initiating defibrotide": the primary endpoint
# of the study document 000_56e8c5c5802e858b.txt, as operationalised in clinical-reference.md A8
# [Design]. Day 28 counts: resolved when (resolution date - origin) <= 28 days.
RESOLUTION_WINDOW_DAYS = 28

# "6-month OS ... KM estimate at 183 days": clinical-reference.md A8 [Design].
SURVIVAL_LANDMARK_DAYS = 183
