"""Every rendering of the model or of findings that is not a docs page: inspect JSON and text, check's
text/JSON/GitHub reports.
"""
