"""The admin shows framework content; a published version and its items cannot be edited there."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from frameworks.models import FrameworkVersion, Item
from tests.frameworks.files import as_draft, matrix_data, write_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix_1_0():
    return FrameworkVersion.objects.get(framework__slug="lga-maturity-matrix", version="1.0")


@pytest.fixture
def matrix_draft(tmp_path):
    path = write_framework(tmp_path, as_draft(matrix_data(), "2.0"))
    call_command("load_frameworks", str(path), stdout=StringIO())
    return FrameworkVersion.objects.get(framework__slug="lga-maturity-matrix", version="2.0")


def _url(obj, action: str) -> str:
    return reverse(f"admin:frameworks_{obj._meta.model_name}_{action}", args=[obj.pk])


def test_it_shows_a_published_version_without_a_save_button(admin_client, matrix_1_0):
    response = admin_client.get(_url(matrix_1_0, "change"))
    assert response.status_code == 200
    assert "Integration maturity matrix: nine factors" in response.text
    assert 'name="_save"' not in response.text


def test_it_refuses_to_change_a_published_version(admin_client, matrix_1_0):
    response = admin_client.post(
        _url(matrix_1_0, "change"), {"title": "Renamed", "status": "draft", "_save": "Save"}
    )
    assert response.status_code == 403
    matrix_1_0.refresh_from_db()
    assert (matrix_1_0.title, matrix_1_0.status) == (
        "Integration maturity matrix: nine factors",
        "published",
    )


def test_it_refuses_to_delete_a_published_version(admin_client, matrix_1_0):
    assert admin_client.get(_url(matrix_1_0, "delete")).status_code == 403
    assert admin_client.post(_url(matrix_1_0, "delete"), {"post": "yes"}).status_code == 403
    assert FrameworkVersion.objects.filter(pk=matrix_1_0.pk).exists()


def test_it_lets_a_draft_be_edited(admin_client, matrix_draft):
    response = admin_client.get(_url(matrix_draft, "change"))
    assert response.status_code == 200
    assert 'name="_save"' in response.text
    assert admin_client.get(_url(matrix_draft, "delete")).status_code == 200


def test_it_shows_a_factor_of_a_published_version_read_only(admin_client, matrix_1_0):
    place = matrix_1_0.items.get(key="place")
    response = admin_client.get(_url(place, "change"))
    assert response.status_code == 200
    assert "Simple and favourable" in response.text  # its descriptors, shown inline
    assert 'name="_save"' not in response.text


def test_it_refuses_to_change_or_delete_a_factor_of_a_published_version(admin_client, matrix_1_0):
    place = matrix_1_0.items.get(key="place")
    changed = admin_client.post(
        _url(place, "change"), {"title": "Geography", "is_context": "", "_save": "Save"}
    )
    assert changed.status_code == 403
    assert admin_client.post(_url(place, "delete"), {"post": "yes"}).status_code == 403
    place.refresh_from_db()
    assert (place.title, place.is_context) == ("Place", True)


def test_it_lets_a_factor_of_a_draft_be_edited(admin_client, matrix_draft):
    place = matrix_draft.items.get(key="place")
    assert 'name="_save"' in admin_client.get(_url(place, "change")).text


@pytest.mark.parametrize("model", [FrameworkVersion, Item])
def test_it_opens_the_add_page(admin_client, model):
    response = admin_client.get(reverse(f"admin:frameworks_{model._meta.model_name}_add"))
    assert response.status_code == 200


def test_it_shows_the_labels_place_gives_its_own_levels(admin_client):
    place = Item.objects.get(
        version__version="1.1", version__framework__slug="lga-maturity-matrix", key="place"
    )
    response = admin_client.get(_url(place, "change"))
    assert response.status_code == 200
    assert "Highly complex" in response.text
    assert "Fairly simple" in response.text
