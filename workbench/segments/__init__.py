"""Saved segments: named customer lists from params/segments.yml, usable from any notebook."""
