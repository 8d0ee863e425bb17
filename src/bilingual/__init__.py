"""bilingual: Simplified Chinese articles to aligned bilingual DOCX and Markdown, offline."""

__version__ = "0.1.0"
