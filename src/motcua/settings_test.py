"""Settings for the test suite: the real settings with a throwaway key and fast hashing."""
import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("MOTCUA_VAR_DIR", tempfile.mkdtemp(prefix="motcua-test-var-"))

from .settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
# Officers' two-factor sign-in is off in the suite; tests/security/test_two_factor.py turns it on.
OFFICER_2FA_ENABLED = False
AXES_ENABLED = os.environ.get("AXES_ENABLED_IN_TESTS", "0") == "1"
# The suite runs with DEBUG off (as Django's test runner forces) and uses the simulators: allowed
# explicitly here (docs/running.md, "Simulators"); tests of the refusal override these two.
ALLOW_SIMULATORS = True
ALLOW_SIMULATORS_IN_PRODUCTION = True
# The suite (and the browser tests' live server) speaks plain HTTP: no redirect to HTTPS, no HSTS,
# cookies without the Secure flag. tests/security/test_deploy.py checks the production values.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
