"""The shared cast and the content every test stands on."""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The two published frameworks, loaded once for the whole run as `make run` loads them.
    with django_db_blocker.unblock():
        call_command("load_frameworks", verbosity=0)


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
