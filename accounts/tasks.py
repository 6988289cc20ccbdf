"""E-mail in the background for sign-in: links to set a password, and allauth's messages
(sign-in codes, multi-factor changes). A request only queues them (accounts.mail says why);
a link's token is made here, as the e-mail goes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.tasks import task
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.mail import send_to_person


@task()
def mail_password_link(
    *, user_id: int, context: dict, subject_template_name: str, email_template_name: str
) -> bool:
    """E-mail a person the link to set their password (SetPasswordLinkForm queues it with the
    context of Django's PasswordResetForm, less the person and the token)."""
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False  # gone since they asked
    context = {
        **context,
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    return send_to_person(
        subject=render_to_string(subject_template_name, context),
        body=render_to_string(email_template_name, context),
        to=user.email,
    )


@task()
def mail_message(*, to: str, subject: str, body: str) -> bool:
    """One message allauth has written (a sign-in code, a notice that a second factor changed).
    A sign-in code is good for minutes and for one sign-in: the queue holds it no longer."""
    return send_to_person(subject=subject, body=body, to=to)
