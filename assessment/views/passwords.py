"""Setting a password from an e-mailed link, and going straight on to score.

An invitation's link leads through setting a password to the page the person was asked to
use: the address in ``next`` when the link carries one (a link asked for from the sign-in page
of the scoring page carries it), else the one open round waiting for their answers, else home.
"""

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from assessment.forms import SetPasswordLinkForm
from assessment.models import Respondent, RoundStatus

# Where to go once the password is set, kept across the link's redirect to its token-free page.
NEXT_SESSION_KEY = "password_set_next"


def safe_next(request: HttpRequest) -> str:
    """The ``next`` address asked for, if it stays on this site; else empty."""
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if allowed else ""


def scoring_page_for(user) -> str | None:
    """The scoring page of the one open round waiting for this person's answers, if just one."""
    waiting = list(
        Respondent.objects.filter(
            user=user, submitted_at__isnull=True, assessment__status=RoundStatus.OPEN
        ).values_list("assessment_id", flat=True)[:2]
    )
    if len(waiting) != 1:
        return None  # none, or several: home lists each with its own "Score now"
    return reverse("assessment-respond", args=[waiting[0]]) + "?item=next"


class PasswordLinkView(auth_views.PasswordResetView):
    """Ask for a link to set a password; one asked for on the way to a page leads back to it."""

    form_class = SetPasswordLinkForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": safe_next(self.request)}

    def form_valid(self, form):
        self.extra_email_context = {"next": safe_next(self.request)}
        return super().form_valid(form)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Choose a password from the link: signed in at once, and on to score."""

    post_reset_login = True
    # The sign-in throttle's backend needs the request's credentials; the link has proved who
    # this is, so the person is signed in with the plain model backend.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def dispatch(self, request, *args, **kwargs):
        if wanted := safe_next(request):
            request.session[NEXT_SESSION_KEY] = wanted
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set and you are signed in.")
        return response

    def get_success_url(self) -> str:
        wanted = self.request.session.pop(NEXT_SESSION_KEY, "")
        return wanted or scoring_page_for(self.user) or reverse("home")
