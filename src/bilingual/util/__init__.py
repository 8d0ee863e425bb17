"""Infrastructure every layer may use: atomic writes, interrupts, progress bars, name -> module
registries, and bounded XML, ZIP and YAML input. It knows nothing of documents or projects and
imports only ``bilingual.errors``."""
