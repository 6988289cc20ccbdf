"""Second-factor secrets (an authenticator app's key, the seed of recovery codes) encrypted in
the database: allauth stores them as given unless its adapter encrypts them. The key is
MFA_SECRET_KEY, or one derived from SECRET_KEY; SECRET_KEY_FALLBACKS still read what older keys
wrote, so a key can be rotated without everyone setting up their app again."""

import base64

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Marks an encrypted value; one without it was written before encryption and is read as it is.
PREFIX = "fernet:"


def _key(secret: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"integration-maturity mfa secrets"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> MultiFernet:
    secrets = [settings.MFA_SECRET_KEY] if settings.MFA_SECRET_KEY else []
    secrets += [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([_key(secret) for secret in secrets])


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return PREFIX + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(PREFIX):
            return encrypted_text
        return _fernet().decrypt(encrypted_text.removeprefix(PREFIX).encode()).decode()
