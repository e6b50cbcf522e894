"""The model: frozen dataclasses, no rendering, no I/O (see :mod:`drizzle_doc.model.schema`;
diagnostics and findings: :mod:`drizzle_doc.model.diagnostics`)."""

from drizzle_doc.model.diagnostics import ERROR, INFO, SEVERITIES, WARNING, Diagnostic, finding  # noqa: F401
from drizzle_doc.model.schema import (  # noqa: F401
    DocTag,
    Doc,
    NO_DOC,
    Identity,
    Generated,
    Column,
    UnknownPart,
    UNKNOWN_PARTS,
    PrimaryKey,
    ForeignKey,
    IndexColumn,
    Index,
    UniqueConstraint,
    Check,
    Policy,
    Relation,
    Table,
    Enum,
    Sequence,
    View,
    Schema,
    UNQUALIFIED_SCHEMAS,
    unqualified,
)
