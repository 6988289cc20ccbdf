"""The shared cast and the content every test stands on."""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The two published frameworks, loaded once for the whole run as `make run` loads them.
    with django_db_blocker.unblock():
        call_command("load_frameworks", verbosity=0)
