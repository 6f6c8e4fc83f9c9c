"""Imports every command module so that each registers on the app."""

from __future__ import annotations

from thrombo.cli import (
    admin,
    assess,
    bench,
    db,
    demo,
    design,
    dose,
    importing,
    itp,
    plan,
    screen,
    serve,
    simulate,
    study,
    users,
    version,
    watch,
)

__all__ = [
    "admin",
    "assess",
    "bench",
    "db",
    "demo",
    "design",
    "dose",
    "importing",
    "itp",
    "plan",
    "screen",
    "serve",
    "simulate",
    "study",
    "users",
    "version",
    "watch",
]
