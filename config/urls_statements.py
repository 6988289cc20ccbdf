"""The statements a public-sector service publishes: accessibility and privacy."""

from django.urls import path

from config.statements import StatementView

urlpatterns = [
    path(
        "accessibility/",
        StatementView.as_view(template_name="statements/accessibility.html"),
        name="accessibility",
    ),
    path(
        "privacy/",
        StatementView.as_view(template_name="statements/privacy.html"),
        name="privacy",
    ),
]
