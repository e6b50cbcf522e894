"""Migration history: what drizzle-kit left on disk, replayed into schemas, and drift between the
models and the migrations.
"""
