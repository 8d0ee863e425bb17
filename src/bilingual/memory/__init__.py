"""What a project remembers between builds: the translation memory (editors' English, in a
SQLite index of ``tm/memory.jsonl``, looked up after one normalization, with fuzzy matches), the
translation cache (machine English), the edition bases (what each handed-out file carried), and
the memory's TMX exchange. May import the document model, ``util`` and ``errors``; never stages,
readers, writers or the project's wiring."""
