"""Typed errors raised by the library; the click layer maps them to exit codes."""


class DrizzleDocError(Exception):
    """Base class: a problem the user can fix (exit code 1 unless said otherwise)."""

    exit_code = 1


class UsageError(DrizzleDocError):
    """Bad flags or configuration (exit code 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """A drizzle.config / drizzle-doc.toml that cannot be used (exit code 2)."""


class DatabaseError(DrizzleDocError):
    """A database that cannot be used: bad URL, unreachable, login or permissions (exit code 2).

    Messages never contain the password (see :func:`drizzle_doc.masking.mask_url`).
    """

    exit_code = 2
