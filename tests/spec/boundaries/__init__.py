"""Boundary tables: each clinical cut-off of safety and physiology at, below and above it."""
