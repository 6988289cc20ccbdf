"""Routes of the improvement plan (actions of a round) and of starting the next round."""

from django.urls import path

from assessment.views import actions

urlpatterns = [
    path("assessments/<int:pk>/actions/", actions.action_plan, name="assessment-actions"),
    path("assessments/<int:pk>/actions/new/", actions.action_new, name="assessment-action-new"),
    path(
        "assessments/<int:pk>/actions/<int:action_pk>/",
        actions.action_edit,
        name="assessment-action-edit",
    ),
    path(
        "assessments/<int:pk>/actions/export.csv",
        actions.actions_csv,
        name="assessment-actions-csv",
    ),
    path(
        "assessments/<int:pk>/actions/export.xlsx",
        actions.actions_xlsx,
        name="assessment-actions-xlsx",
    ),
    path("api/assessments/<int:pk>/actions/", actions.actions_api, name="assessment-actions-api"),
    path("assessments/<int:pk>/next/", actions.assessment_next_round, name="assessment-next"),
]
