"""The service fixtures of tests/api (store on SQLite and PostgreSQL, users of every role)."""

from tests.api.conftest import backend, client, cohort, service, tokens

__all__ = ["backend", "client", "cohort", "service", "tokens"]
