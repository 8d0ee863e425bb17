"""Infrastructure every layer may use: atomic writes, folder locks (and the order they are taken
in), interrupts, progress bars, name -> module registries, and bounded XML, ZIP and YAML input.
It knows nothing of documents or projects and imports only ``bilingual.errors``."""
