"""drizzle-doc: PostgreSQL schema documentation from Drizzle ORM sources, read statically."""

__version__ = "0.1.0"
