"""TA-TMA early warning: the watch list before the criteria are met (issue 24)."""

from thrombo.rules.watch.options import WatchOptions
from thrombo.rules.watch.watch import watch_list, watch_patient
from thrombo.rules.watch.watch_results import SignalResult, WatchList, WatchResult

__all__ = ["SignalResult", "WatchList", "WatchOptions", "WatchResult", "watch_list",
           "watch_patient"]
