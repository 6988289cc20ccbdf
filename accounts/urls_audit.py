"""The audit log, for staff."""

from django.urls import path

from accounts import audit_views

urlpatterns = [
    path("audit/", audit_views.audit_log, name="accounts-audit"),
    path("audit/export.csv", audit_views.audit_export, name="accounts-audit-export"),
]
