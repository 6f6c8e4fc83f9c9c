"""Dashboard templates and static files, rendered by `thrombo.api` (found by path)."""
