from django.urls import path

from reports import views

urlpatterns = [
    path("assessments/<int:pk>/report/", views.report_page, name="reports-page"),
    path("assessments/<int:pk>/report/print/", views.report_print, name="reports-print"),
    path("assessments/<int:pk>/report.pdf", views.report_pdf, name="reports-pdf"),
]
