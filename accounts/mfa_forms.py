"""allauth's passkey forms, answering a passkey reply they cannot read with a form error: fido2
raises KeyError or TypeError on a reply missing its parts, which allauth lets through as a 500."""

from allauth.mfa.webauthn.forms import (
    AddWebAuthnForm,
    AuthenticateWebAuthnForm,
    LoginWebAuthnForm,
    ReauthenticateWebAuthnForm,
)
from django import forms

UNREADABLE = "That passkey's answer could not be read. Try again, or use another way to sign in."
_BROKEN = (KeyError, TypeError, ValueError, AttributeError)


class _ReadsCredential:
    def clean_credential(self):
        try:
            return super().clean_credential()
        except _BROKEN:
            raise forms.ValidationError(UNREADABLE) from None


class AuthenticatePasskeyForm(_ReadsCredential, AuthenticateWebAuthnForm):
    pass


class LoginPasskeyForm(_ReadsCredential, LoginWebAuthnForm):
    pass


class ReauthenticatePasskeyForm(_ReadsCredential, ReauthenticateWebAuthnForm):
    pass


class AddPasskeyForm(AddWebAuthnForm):
    def clean(self):
        try:
            return super().clean()
        except _BROKEN:
            raise forms.ValidationError(UNREADABLE) from None
