"""What a provider's account may be linked to: the account invited at its address only, and
linking never costs the person the password they had."""

import pytest
from allauth.socialaccount.models import SocialAccount

from tests.conftest import PASSWORD
from tests.oidc.openid_provider import LEAD, PROVIDER_ID, UNINVITED
from tests.oidc.test_signin import back_at_app, sign_in, signed_in_as

pytestmark = [pytest.mark.oidc, pytest.mark.django_db]


def _connect_as(django_app, provider_browser, user, email):
    """Signed in as ``user``, ask to link the provider's account, and sign in there as
    ``email``: what someone at an unlocked screen could try."""
    page = django_app.get(f"/accounts/oidc/{PROVIDER_ID}/login/?process=connect", user=user)
    to_provider = page.forms[1].submit() if len(page.forms) > 1 else page.form.submit()
    assert to_provider.status_code == 302, to_provider.text
    return back_at_app(django_app, provider_browser.to_app(to_provider.location, email=email))


def test_a_provider_account_for_another_address_is_not_linked(
    django_app, provider_browser, signs_in_through, lead
):
    page = _connect_as(django_app, provider_browser, lead, UNINVITED)
    assert page.status_code == 403
    assert "That account is for another address" in page.text
    assert not SocialAccount.objects.exists()


def test_signing_in_through_the_provider_keeps_the_password(
    django_app, provider_browser, signs_in_through, lead, client
):
    """The invited address is trusted, so allauth does not take the account for one someone
    else signed up with at that address, and wipe its password."""
    assert lead.has_usable_password()
    sign_in(django_app, provider_browser, LEAD)
    assert signed_in_as(django_app) == lead
    lead.refresh_from_db()
    assert lead.has_usable_password()
    signed_in = client.post("/accounts/login/", {"login": LEAD, "password": PASSWORD})
    assert signed_in.status_code == 302
