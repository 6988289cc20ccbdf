from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from accounts.personal_data import register
        from reports import checks, receivers  # noqa: F401  (register the check and receivers)
        from reports.personal_data import ReportsHolder

        register(ReportsHolder())
