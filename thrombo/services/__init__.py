"""The use cases, once: what `thrombo COMMAND` and the service's routes both do.

Each module is one use case with typed inputs and outputs: `dose` (a dose for one patient's
measurements), `screen` (TA-TMA screening of one patient or of many), `assess` (response and
adverse events), `plan` (the ITP ladder or the TA-TMA protocol plan), `itp` (ITP phase,
severity, refractoriness), `study` (the cohort study and its report) and `importing` (sources
into the store); `sources` reads the SOURCE a command names. The command line parses options
and prints; the API checks access, audits and answers; neither composes the clinical layers on
its own.
"""
