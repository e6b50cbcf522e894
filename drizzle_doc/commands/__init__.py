"""One orchestrator per command (generate, check, verify, init): each runs the stages for one command
and returns data; cli.py prints it.
"""
