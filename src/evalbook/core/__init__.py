"""Core: paths, the one exception hierarchy, the contract engine, CSV I/O, rounding and the
source texts. Everything else builds on it; it imports nothing of the book."""
