"""Ways round a second factor or a sign-in that a review found, each closed: the e-mailed
password link, the admin's own sign-in, a limit one stranger could exhaust for everyone, pages
for linking and changing addresses, erasures that lock staff out, and passkey answers that are
not passkey answers."""

import io
import json
from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.erasure import Refused, erase_person
from tests.conftest import PASSWORD

from .test_mfa import set_up_app, sign_in

pytestmark = pytest.mark.django_db


def test_a_password_link_does_not_sign_in_someone_with_a_second_factor(django_app, lead):
    sign_in(django_app, lead)
    set_up_app(django_app)
    django_app.reset()  # another browser, with only the mailbox
    page = django_app.get(reverse("password_reset"))
    form = next(f for f in page.forms.values() if "email" in f.fields)
    form["email"] = lead.email
    form.submit()
    link = next(line for line in mail.outbox[-1].body.split() if "/accounts/reset/" in line)
    page = django_app.get(link.split("testserver")[-1]).maybe_follow()
    form = next(f for f in page.forms.values() if "new_password1" in f.fields)
    form["new_password1"] = form["new_password2"] = "a-brand-new-passphrase"
    done = form.submit().follow()
    assert "_auth_user_id" not in django_app.session
    assert done.request.path == reverse("login")
    assert "Sign in with it and your second factor" in done.text


def test_the_admin_signs_in_through_the_apps_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_whole_office_behind_one_address_can_sign_in(client, make_person):
    # Forty people from one trust's outgoing address, one after another, all get in.
    for number in range(40):
        person = make_person(f"person{number}@trust.example.org")
        signed_in = client.post(
            reverse("login"), {"login": person.email, "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
        )
        assert signed_in.status_code == 302, number
        client.logout()


@pytest.mark.parametrize(
    "path", ["/accounts/3rdparty/", "/accounts/email/", "/accounts/confirm-email/"]
)
def test_pages_for_linking_and_changing_addresses_are_not_offered(client, lead, path):
    client.force_login(lead)
    assert client.get(path).status_code == 404


def test_allauths_own_password_reset_leads_to_the_apps(client):
    response = client.get("/accounts/password/reset/?next=/compare/")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset") + "?next=/compare/"


def test_staff_may_not_erase_themselves(staff):
    with pytest.raises(Refused, match="You cannot erase yourself"):
        erase_person(staff, by=staff)


def test_only_a_superuser_erases_a_superuser_and_never_the_last(staff, make_person):
    boss = make_person("boss@example.org", is_staff=True, is_superuser=True)
    with pytest.raises(Refused, match="Only a superuser may erase a superuser") as refused:
        erase_person(boss, by=staff)
    assert "last superuser" in str(refused.value)
    make_person("deputy@example.org", is_staff=True, is_superuser=True)
    erase_person(boss, by=make_person("third@example.org", is_superuser=True))
    boss.refresh_from_db()
    assert boss.email == ""


def test_old_sign_in_records_go_with_the_audit_log_and_yours_are_in_your_data(
    django_app, settings, respondent
):
    settings.AUDIT_RETENTION_DAYS = 30
    old = AccessLog.objects.create(username=respondent.email, ip_address="10.0.0.1")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=31))
    recent = AccessLog.objects.create(username=respondent.email, ip_address="10.0.0.2")
    call_command("prune_audit_log", stdout=io.StringIO())
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    page = django_app.get(reverse("accounts-your-data-download") + "?format=json", user=respondent)
    records = json.loads(page.text)["Account and sign-in"]["sign_in_records"]
    addresses = [r["ip_address"] for r in records]
    assert "10.0.0.2" in addresses and "10.0.0.1" not in addresses


def test_a_passkey_answer_that_is_not_one_is_a_form_error(client, lead):
    junk = {"name": "My key", "credential": '{"id": "x"}'}
    signing_in = client.post(reverse("mfa_login_webauthn"), junk, follow=True)
    assert signing_in.status_code == 200
    assert "answer could not be read" in signing_in.content.decode()
    client.post(reverse("login"), {"login": lead.email, "password": PASSWORD})
    adding = client.post(reverse("mfa_add_webauthn"), junk)
    assert adding.status_code == 200
    assert "answer could not be read" in adding.content.decode()


def test_an_authenticator_apps_key_is_not_kept_in_the_clear(django_app, lead):
    from allauth.mfa.models import Authenticator

    sign_in(django_app, lead)
    secret, _ = set_up_app(django_app)
    stored = Authenticator.objects.get(user=lead, type=Authenticator.Type.TOTP).data["secret"]
    assert secret not in stored and stored.startswith("fernet:")
    # And it still signs in: the next sign-in takes the app's code.
    django_app.reset()
    from .test_mfa import enter_second_factor, fresh_code

    asked = sign_in(django_app, lead).maybe_follow()
    done = enter_second_factor(asked, fresh_code(secret))
    assert done.status_code == 302 and "_auth_user_id" in django_app.session
