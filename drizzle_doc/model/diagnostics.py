"""Diagnostics: every problem drizzle-doc finds, as data (never printed or raised where found).

One record for all of them.  A stage that reads something (the config, the models, the
migrations, the pages, the database) reports what is wrong with a severity, a place and a
message; ``check`` and ``verify`` report *findings*, which are the same records carrying the
rule or check id that found them (``code``: ``rule`` in the JSON), how to fix it (``fix``),
and, where there is one, the table (``table``) and the diff of a stale page (``diff``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, collected as data along the way (never printed or raised)."""

    severity: str
    file: Optional[str]
    line: Optional[int]
    message: str  # what is wrong
    column: Optional[int] = None
    code: str = ""  # what found it: a reader's code ("migration-sql"), a rule or check id ("uuid-pk")
    fix: str = ""  # how to fix it
    table: Optional[str] = None  # the table key it is about ("public.users"), if one
    diff: Optional[str] = None  # a unified diff (a stale page's), if one

    @property
    def rule(self) -> str:
        """A finding's rule or check id (its ``code``), as the reports name it."""
        return self.code

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, self.column or 0, self.message)

    def where(self) -> str:
        if not self.file:
            return ""
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


def finding(rule: str, severity: str, file: Optional[str], line: Optional[int], message: str, fix: str = "",
            table: Optional[str] = None, diff: Optional[str] = None) -> Diagnostic:
    """A finding of ``check`` or ``verify``: the diagnostic of ``rule`` at ``file:line``, with its fix."""
    return Diagnostic(severity, file, line, message, code=rule, fix=fix, table=table, diff=diff)
