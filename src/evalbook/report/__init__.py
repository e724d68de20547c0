"""Presentation: Dutch text (number format, verdict language, enumerations), tables and
figures (style set once in ``figures``), made from released results only. It never computes a
statistic and never reads a file."""
