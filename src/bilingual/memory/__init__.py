"""What a project remembers between builds: the translation memory (editors' English), the
suggestions (other tools' machine and draft English), the translation cache (machine English),
the edition bases (what each handed-out file carried), the memory's TMX exchange (``tmx``; how
another tool's unit is read: ``tmx_units``), and the memory folder's lock (``lock``), whatever
storage it holds. May import the document model, ``util`` and ``errors``; never stages,
readers, writers or the project's wiring."""
