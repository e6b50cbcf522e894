"""A static evaluator for the part of TypeScript Drizzle schemas are written in.  Knows no drizzle and
no SQL: packages are natives handed in.
"""
