"""Unguessable links: tracking pages, confirmations, a household's own page.

Only a SHA-256 of each token is stored, so the database alone opens no link.
"""

import hashlib
import re
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A link's token: a long run of URL-safe characters after a slash (token_urlsafe, hex HMACs,
# UUIDs). Shorter path segments (words, references like OTR-2026-00042) are left alone.
_LINK_TOKEN = re.compile(r"(?<=/)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{16,}")


def mask_tokens(text: str) -> str:
    """Hide the tokens in the links of a text (a mail body) so that reading it opens
    nothing: keep the first four characters, so a person can still tell links apart."""
    return _LINK_TOKEN.sub(r"\1…", text)
