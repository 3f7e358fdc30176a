"""Python's ``\\s`` written out as characters, for regexes pandas hands to pyarrow.

pandas runs a pattern holding ``\\s`` through Python's ``re`` cell by cell (RE2's ``\\s`` is
ASCII only); a class of the same characters, written as themselves, it gives to pyarrow (RE2).
"""

from __future__ import annotations

# Every character Python's ``\s`` matches in text (``str.isspace``; tests/extracts/test_whitespace.py checks it).
SPACE_CHARS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
WHITESPACE = f"[{SPACE_CHARS}]"  # ``\s``, in a form pyarrow runs
