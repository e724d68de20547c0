"""``python -m evalbook`` is the ``evalbook`` command."""

from .cli import main

raise SystemExit(main())
