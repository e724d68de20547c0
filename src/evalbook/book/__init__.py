"""The book: its configuration (``book.yml``), the Chapter object (the only reader of inputs),
the content-addressed chapter cache, execution with Papermill, the HTML and PDF build,
releases and the ``evalbook`` command."""
