"""Analysis: one module per study. Tidy, validated frames in; plain result objects (dataclasses
and DataFrames with true counts) out. No Dutch text, no plotting, no disclosure control: the
notebook passes every result through :mod:`evalbook.disclosure` before reporting it."""
