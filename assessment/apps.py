from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "Assessment"

    def ready(self):
        from accounts.personal_data import register
        from assessment.personal_data import AssessmentHolder

        register(AssessmentHolder())
