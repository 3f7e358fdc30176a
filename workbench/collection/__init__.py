"""Collection: the standard templates, the completion workbooks sent to each sales rep, and the
corrections they return, applied on top of the extracts at every run (docs/collection.md)."""
