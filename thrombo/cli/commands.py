"""Imports every command module so that each registers on the app."""

from __future__ import annotations

from thrombo.cli import importing, version

__all__ = ["importing", "version"]
