"""What a project remembers between builds: the translation memory (editors' English, in a
SQLite index of ``tm/memory.jsonl``, looked up after one normalization, with fuzzy matches) and
its suggestions (other tools' machine and draft English, ``tm/suggestions.jsonl``), the
translation cache (machine English), the edition bases (what each handed-out file carried), the
memory's TMX exchange (``tmx``; how another tool's unit is read: ``tmx_units``), and the memory
folder's lock (``lock``). May import the document model, ``util`` and ``errors``; never stages,
readers, writers or the project's wiring."""
