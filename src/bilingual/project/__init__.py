"""A project's wiring: its settings (``bilingual.toml``), the build (``build``: sources through
the stages to the writers, under the project's lock), the import of returned files
(``importer``) and of TMX (``tm_import``, both also under the memory's lock: the order of the
locks is in ``util.locks``), and the checks run before anything is translated (``preflight``).
Imports any layer below it; only the CLI imports it."""
