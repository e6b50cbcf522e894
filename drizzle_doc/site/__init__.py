"""The browsable site (``drizzle-doc site``): the docs as static HTML with an interactive ER view.

``build.py`` turns the same model and the same page texts ``generate`` writes (hand-written
text included) into files: one HTML page per table, the index, ``er.html`` and its data.  It is
pure (texts in, texts out); ``commands/site.py`` reads the pages on disk and writes the files.
``assets/`` is shipped in the package: the stylesheet, ``er.js`` (drawing, pan/zoom, search,
the columns toggle, neighbours) and @dagrejs/dagre, the layout library, with its licence.  The
site needs no server and no network: it works from ``file://``.
"""
