"""People are invited, never sign themselves up: staff add a person by name and e-mail address
(accounts.admin), a lead adds a member to their place (assessment.services.places). Either way the
person gets an account with no password, and an e-mail with a link to set one; or they sign in
through their organisation's provider, or with an e-mailed code, and never need one."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.mail import send_to_person

User = get_user_model()


def new_person(*, email: str, name: str):
    """An account for the address, without a password until its person sets one; if someone has
    just made one for the same address, that one. The address counts as confirmed: nobody signs
    themselves up here, and staff or a lead typed it."""
    email = email.strip().lower()
    first, _, last = name.strip().partition(" ")
    user = User(username=email[:150], email=email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    try:
        with transaction.atomic():  # a savepoint: the caller goes on with the other's account
            user.save()
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    except IntegrityError:
        return User.objects.get(email__iexact=email)
    return user


def confirm_address(user, email: str | None = None) -> None:
    """Record the address (the account's own unless another is given) as the person's and
    confirmed: a link or code that reached it, or a provider vouching for it, proves it. allauth
    then trusts it, and a provider's matching address signs in to this account without allauth
    taking it for an address someone else signed up with and wiping its password."""
    email = (email or user.email or "").strip()
    if not email:
        return
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=email.lower(), primary=primary, verified=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def set_password_link(user, base_url: str) -> str:
    """The link that lets the person choose a password (and signs them in): made as the e-mail
    goes, so no queue holds it."""
    return base_url + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def ways_to_sign_in(user, base_url: str) -> str:
    """The lines of an invitation that say how to sign in: a password (set from the link if the
    person has none), the organisation's provider where one is configured, an e-mailed code."""
    login = base_url + reverse("login")
    if user.has_usable_password():
        lines = [f"Sign in here with this e-mail address ({user.email}) and your password:", login]
    else:
        lines = [
            "Set your password here (you are then signed in):",
            set_password_link(user, base_url),
            "",
            f"Later, sign in at {login} with this e-mail address ({user.email}).",
        ]
    providers = [app["name"] for app in settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]]
    if providers:
        lines += [
            "",
            f"Or, instead of a password, use “Sign in with {' / '.join(providers)}” on that page "
            f"with your organisation's account for {user.email}.",
        ]
    lines += ["", "If you sign in rarely, “E-mail me a sign-in code” there needs no password."]
    return "\n".join(lines) + "\n"


@task()
def mail_person_invitation(*, user_id: int, base_url: str) -> bool:
    """Tell a person staff have added that they have an account, and how to sign in."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    name = user.get_full_name() or user.email
    body = (
        f"Hello {name},\n\nYou have been given an account for the integration maturity "
        f"self-assessment.\n\n" + ways_to_sign_in(user, base_url)
    )
    subject = "Your account for the integration maturity self-assessment"
    return send_to_person(subject=subject, body=body, to=user.email)
