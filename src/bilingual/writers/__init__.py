"""Writers: the document model into files. They never re-segment or re-translate."""
