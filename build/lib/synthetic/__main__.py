"""``python -m synthetic`` rewrites the embedded data in ``data/synthetic/``."""

from .generate import main

main()
