"""Rules over the model: the spec's assumptions and the house rules, as findings.
"""
