"""Where `thrombo demo` (and `make demo`) writes, and so where `thrombo serve --dev` looks for
the demo's store. A module of its own: serve must not import the demo's simulation and report
code just to know a path (every command imports only its own module)."""

from __future__ import annotations

from pathlib import Path

DEMO_OUT = Path("thrombo-demo")
DEMO_STORE = DEMO_OUT / "thrombo.db"
