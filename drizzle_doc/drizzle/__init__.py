"""drizzle-orm, re-told statically: the dialect-neutral builders (core), values -> model (build, asking
the dialect it is handed), and extraction of a project's schema (extract).  Imports no dialect.
"""
