"""The accessibility statement and the privacy notice: pages whose facts (who runs the service,
where to write, how long things are kept) come from settings, so that a deployment's statement
says what that deployment does."""

from datetime import date

from django.conf import settings
from django.views.generic import TemplateView

# When the statements were written and last checked against the service. Change these when the
# statements are reviewed (at least once a year, as the accessibility regulations ask).
PREPARED = date(2026, 12, 5)
REVIEWED = date(2026, 12, 5)
TESTED = date(2026, 12, 5)


class StatementView(TemplateView):
    """A statement page, with the settings it quotes."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "operator": settings.SERVICE_OPERATOR,
            "contact_email": settings.SERVICE_CONTACT_EMAIL,
            "evidence_days": settings.EVIDENCE_RETENTION_DAYS,
            "audit_days": settings.AUDIT_RETENTION_DAYS,
            "code_minutes": settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60,
            "link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
            "min_group": settings.COMPARE_MIN_GROUP,
            "prepared": PREPARED,
            "reviewed": REVIEWED,
            "tested": TESTED,
        }
