from django.urls import include, path

from assessment import views

urlpatterns = [
    path("", views.home, name="home"),
    path("signed-in/", views.landing, name="landing"),
    path("places/<slug:code>/", views.place_detail, name="assessment-place"),
    path("places/<slug:code>/members/", views.member_add, name="assessment-member-add"),
    path(
        "places/<slug:code>/members/<int:membership_pk>/invite/",
        views.member_invite,
        name="assessment-member-invite",
    ),
    path("places/<slug:code>/rounds/new/", views.assessment_open, name="assessment-open"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/advance/", views.assessment_advance, name="assessment-advance"),
    path(
        "assessments/<int:pk>/step-back/", views.assessment_step_back, name="assessment-step-back"
    ),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment-edit"),
    path("assessments/<int:pk>/remind/", views.assessment_remind, name="assessment-remind"),
    path("assessments/<int:pk>/sharing/", views.assessment_share, name="assessment-share"),
    path("assessments/<int:pk>/respond/", views.assessment_respond, name="assessment-respond"),
    path("assessments/<int:pk>/respond/reopen/", views.assessment_reopen, name="assessment-reopen"),
    path("assessments/<int:pk>/consensus/", views.consensus_overview, name="assessment-consensus"),
    path(
        "assessments/<int:pk>/consensus/<int:item_pk>/",
        views.consensus_item,
        name="assessment-consensus-item",
    ),
    path("assessments/<int:pk>/history/", views.assessment_history, name="assessment-history"),
    path("assessments/<int:pk>/import/", views.assessment_import, name="assessment-import"),
    path(
        "assessments/<int:pk>/import/template.xlsx",
        views.assessment_import_template,
        name="assessment-import-template",
    ),
    path("api/assessments/<int:pk>/", views.assessment_api, name="assessment-api"),
    path("", include("assessment.urls_actions")),
]
