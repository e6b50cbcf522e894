"""dialects/postgres"""
