"""Imports every command module so that each registers on the app."""

from __future__ import annotations

from thrombo.cli import admin, design, dose, importing, version

__all__ = ["admin", "design", "dose", "importing", "version"]
