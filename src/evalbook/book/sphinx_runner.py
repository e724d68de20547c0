"""``python -m evalbook.book.sphinx_runner ARGS``: Jupyter Book's ``build ARGS``, started before
the chapters it builds are ready.

It sets Sphinx up at once (Jupyter Book's and the extensions' imports, the configuration, the
pickled environment of the last build: about 2 s, two thirds of an incremental build), then
waits for a line on stdin before Sphinx looks at any page: ``go`` builds, anything else or the
end of input (the build that started it stopped, or needs no HTML) ends it without building.
Started while the chapters run (:class:`evalbook.book.html.JupyterBook`), it is ready when
they end. Nothing Sphinx sets up before the build reads a chapter: the configuration, the table
of contents and the bibliography are not written by the chapters.
"""

from __future__ import annotations

import os
import sys

GO = "go"


def main(argv: list[str]) -> None:
    from jupyter_book.cli.main import main as jupyter_book
    from sphinx.application import Sphinx

    build = Sphinx.build

    def when_told(app, *args, **kwargs):
        sys.stdout.flush()
        if sys.stdin.readline().strip() != GO:
            os._exit(0)
        return build(app, *args, **kwargs)

    Sphinx.build = when_told
    try:
        jupyter_book(["build", *argv])
        code = 0
    except SystemExit as done:
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
        code = done.code if isinstance(done.code, int) else int(done.code is not None)
    # the output is written and the files closed: skip tearing down Sphinx's objects (0.4 s)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv[1:])
