"""The shared cast and the content every test stands on."""

import pytest
from django.core.management import call_command


@pytest.hookimpl(tryfirst=True)  # before `-m` selects
def pytest_collection_modifyitems(items):
    # Every browser test drives Chromium: `-m "not chromium"` leaves them all out at once.
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.chromium)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The two published frameworks, loaded once per test process (each pytest-xdist worker has
    # a test database of its own), as `make run` loads them.
    with django_db_blocker.unblock():
        call_command("load_frameworks", verbosity=0)


def _is_transactional(request) -> bool:
    """As pytest-django decides it (live_server aside: the browser tests load their own data)."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (
        marker.kwargs.get("transaction", bool(marker.args) and marker.args[0])
        or marker.kwargs.get("reset_sequences")
    ):
        return True
    return "transactional_db" in request.fixturenames and "live_server" not in request.fixturenames


@pytest.fixture(autouse=True)
def _frameworks_after_a_flush(request):
    """A transactional test ends by emptying every table, the frameworks with them. Each test
    process runs those tests after all the others, but in any mix among themselves (pytest-xdist
    shares them out), so each transactional test makes sure of the frameworks first."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        from frameworks.models import FrameworkVersion

        if not FrameworkVersion.objects.exists():
            call_command("load_frameworks", verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _media_of_this_process(tmp_path_factory):
    """Stored files go to a folder of this test process's own: parallel workers never see or
    overwrite each other's files, and nothing piles up in the repository between runs."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


# The shared cast: a place with its lead, a respondent and a board viewer; an outsider who
# leads another place; an analyst who compares shared rounds; and a member of staff.
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def make_person(django_user_model):
    """A user who signs in with their e-mail address, as people added to a place do."""

    def make(email, first_name="", last_name="", **extra):
        return django_user_model.objects.create_user(
            username=email,
            email=email,
            password=PASSWORD,
            first_name=first_name,
            last_name=last_name,
            **extra,
        )

    return make


@pytest.fixture
def place(db):
    from assessment.models import Place, PlaceKind, Region

    return Place.objects.create(
        name="Riverside Borough", code="riverside", kind=PlaceKind.BOROUGH, region=Region.LONDON
    )


@pytest.fixture
def other_place(db):
    from assessment.models import Place, PlaceKind, Region

    return Place.objects.create(
        name="Northmoor Integrated Care System",
        code="northmoor",
        kind=PlaceKind.ICS,
        region=Region.NORTH_EAST_YORKSHIRE,
    )


def _member(make_person, place, role, email, first_name, last_name):
    from assessment.models import Membership

    person = make_person(email, first_name, last_name)
    Membership.objects.create(user=person, place=place, role=role)
    return person


@pytest.fixture
def lead(make_person, place):
    return _member(make_person, place, "lead", "priya.shah@riverside.example.org", "Priya", "Shah")


@pytest.fixture
def respondent(make_person, place):
    return _member(
        make_person, place, "respondent", "tom.hughes@riverside.example.org", "Tom", "Hughes"
    )


@pytest.fixture
def viewer(make_person, place):
    return _member(make_person, place, "viewer", "board@riverside.example.org", "Bea", "Board")


@pytest.fixture
def outsider(make_person, other_place):
    # A lead elsewhere: power in their own place must give nothing in this one.
    return _member(
        make_person, other_place, "lead", "ian.walker@northmoor.example.org", "Ian", "Walker"
    )


@pytest.fixture
def analyst(make_person):
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Analysts")
    group.permissions.add(Permission.objects.get(codename="compare_places"))
    person = make_person("ana.lyst@example.org", "Ana", "Lyst")
    person.groups.add(group)
    return person


@pytest.fixture
def staff(make_person):
    return make_person("alex.admin@example.org", "Alex", "Admin", is_staff=True)


@pytest.fixture
def versions(db):
    """The latest published matrix and lessons, as a new round pins them."""
    from frameworks.selectors import latest_published_versions

    return latest_published_versions()


@pytest.fixture
def open_round(place, lead, respondent, versions):
    """A round open for scoring, with the lead and the respondent taking part."""
    from assessment.services import assessment_open

    return assessment_open(
        place=place, period="2026 Q4", versions=versions, participants=[lead, respondent], user=lead
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, as the database starts empty of its rows."""
    from django.core.cache import cache

    from assessment.selectors import forget_published_items

    cache.clear()
    forget_published_items()
    yield


@pytest.fixture
def lead_client(client, lead):
    """A test client signed in as the place's lead."""
    client.force_login(lead)
    return client


@pytest.fixture
def analyst_client(client, analyst):
    """A test client signed in as the analyst."""
    client.force_login(analyst)
    return client


@pytest.fixture
def any_far_answer_splits(settings):
    """A deployment that calls an item split as soon as one answer is over a level from the
    median. Teams of three can never split an item by the default rule, SCIROCCO's (four answers
    outside the band); tests of how a split item is shown, exported or counted ask for this. Ask
    for it before a round closes: a round's results are stored, split or not, as it closes."""
    settings.AGREEMENT_BAND, settings.AGREEMENT_MAX_OUTSIDE = 1, 0
