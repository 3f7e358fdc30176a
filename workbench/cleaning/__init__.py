"""Cleaning (数据清洗): small rules, each a function, composed in one pipeline with an audit trail.

Every change is an audit row (table, key, field, old, new, rule); every contradiction a flag;
every dropped row a quarantine row; merged rows point at their survivor.
"""
