"""Unguessable links: tracking pages, confirmations, a household's own page.

Only a SHA-256 of each token is stored, so the database alone opens no link.
"""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
