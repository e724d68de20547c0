"""``python -m evalbook`` is the ``evalbook`` command."""

from .book.cli import main

raise SystemExit(main())
