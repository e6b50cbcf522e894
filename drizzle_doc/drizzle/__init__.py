"""drizzle"""
