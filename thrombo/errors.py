"""The one family of user-facing errors.

A `ThromboUserError` is something the user can fix (a bad file, an implausible weight, a
missing input). The CLI prints it as one line and exits 2; the API maps it to a 4xx answer.
Anything else is a bug and is allowed to surface as one.
"""

from __future__ import annotations


class ThromboUserError(Exception):
    """Bad input or usage: reported as one clear line, never a traceback."""


class SourceError(ThromboUserError):
    """A source (file, folder, database URL) that cannot be read at all."""


class ImplausibleValueError(ThromboUserError):
    """A value outside what is physiologically possible for a child or young adult."""


class MissingInputError(ThromboUserError):
    """A calculation needs an input (weight, height, age) that was not given."""

