"""The synthetic-data generator: person-level data calibrated to the published figures.

It depends on :mod:`evalbook` (contracts, matching, rounding) and is never imported by it:
``make book`` builds on the committed files in ``data/synthetic/`` without running it.
``python -m synthetic`` rewrites those files; a test checks that they equal a fresh
generation.
"""
