"""The only code that forks, pickles, compresses, caches or holds speed thresholds.  It wraps pure
stage functions, which never import it.
"""
