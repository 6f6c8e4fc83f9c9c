"""The dashboard: HTML pages (patient list and page, study, imports, audit), their charts,
templates and static files. Mounted into the API application by `thrombo.api.main`."""
