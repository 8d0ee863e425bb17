"""The pipeline's stages, each taking and returning a ``Document``: glossary application
(``glossary``), segmentation (``segment``), translation (``translate``), Traditional Chinese
(``traditional``), QA (``qa/``), formatting carried onto the English (``formatting``) and editors'
notes (``editor_notes``). No stage reads files or knows an output format. May import engines,
glossary, memory, the document model and ``util``."""
