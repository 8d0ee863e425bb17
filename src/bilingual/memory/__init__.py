"""What a project remembers between builds: the translation memory (editors' English), the
translation cache (machine English), the edition bases (what each handed-out file carried), the
memory's TMX exchange, and the memory folder's lock (``lock``), whatever storage it holds. May
import the document model, ``util`` and ``errors``; never stages, readers, writers or the
project's wiring."""
