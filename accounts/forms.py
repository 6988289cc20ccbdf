from allauth.account.forms import LoginForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm

from accounts.tasks import mail_password_link


class SetPasswordLinkForm(PasswordResetForm):
    """Password reset that also reaches people who were added but never set a password. The
    e-mail is queued for a worker (accounts.tasks), so a slow mail server never holds the page."""

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # The worker makes the link's token as the e-mail goes: the queue holds no secret.
        mail_password_link.enqueue(
            user_id=context["user"].pk,
            context={k: v for k, v in context.items() if k not in {"user", "uid", "token"}},
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
        )


class SignInForm(LoginForm):
    """allauth's sign-in form, labelled as the app's pages are: no placeholders for labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["login"].widget.attrs.update(autocomplete="email", autofocus=True)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        # allauth links its own reset page here; the page offers the app's, which also reaches
        # people invited who never set a password.
        self.fields["password"].help_text = ""
