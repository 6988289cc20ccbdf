"""Settings for the test suite: the real settings, with a throwaway key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Static files straight from the source folders, as in development: no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# django-webtest keeps cookies as a browser would, over plain http in tests.
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = False
# Whatever a developer's .env says, tests render PDFs inline, cache per process and store files in
# a folder (tests that need the workers, Redis or a bucket say so themselves).
TASKS = {"default": {"BACKEND": TASKS_BACKENDS["immediate"]}}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Static files keep their plain names: the hashed names of production need `collectstatic` first
# (tests/test_static.py runs it into a folder of its own to check them).
# Closing a round renders nothing unless a test asks (tests/reports/test_documents_ahead.py):
# with the immediate backend every closed round would otherwise wait on Chromium.
DOCUMENTS_AHEAD = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests of multi-factor set MFA_REQUIRED themselves; elsewhere staff sign in without one.
MFA_REQUIRED = "none"
# Passkeys in tests are registered on the live server's http://localhost origin.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
