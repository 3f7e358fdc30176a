"""Requirement distribution (需求分布): shares, value × urgency quadrants, service levels, themes."""
