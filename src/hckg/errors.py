"""Errors a user can cause, each with the exit code the CLI documents."""


class HckgError(Exception):
    """A user-facing error: one line naming the file, line or parameter and the fix."""

    exit_code = 1


class InputError(HckgError):
    """Input cannot be loaded (missing file, RDF syntax error, unreadable shapes): exit 2."""

    exit_code = 2


class UsageError(HckgError):
    """A bad option or parameter value: exit 2."""

    exit_code = 2
