"""The term glossary: terms and their matcher (``terms``), the YAML files and their validation
(``yaml_files``), the dictionary check of variants (``words``), and TBX/CSV exchange
(``exchange``; reading other tools' files: ``tbx_read``, ``csv_read``, into ``incoming``). May
import the document model, ``util`` and ``errors``; applying the glossary to a document is a
stage (``stages.glossary``)."""
