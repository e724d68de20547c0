"""evalbook: the library behind the evaluation book of three Rotterdam re-integration programmes.

Every computation the chapters show lives here; the notebooks in ``notebooks/`` only call it.
"""

__version__ = "0.1.0"
