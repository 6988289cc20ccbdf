from django.urls import path

from reports import views, views_compare

urlpatterns = [
    path("assessments/<int:pk>/report/", views.report_page, name="reports-page"),
    path("assessments/<int:pk>/report/print/", views.report_print, name="reports-print"),
    path("assessments/<int:pk>/report.pdf", views.report_pdf, name="reports-pdf"),
    path("assessments/<int:pk>/report.docx", views.report_docx, name="reports-docx"),
    path("compare/", views_compare.compare_page, name="reports-compare"),
    path("compare/report.pdf", views_compare.compare_pdf, name="reports-compare-pdf"),
    path("compare/board-pack.zip", views_compare.compare_board_pack, name="reports-compare-pack"),
    path("compare/export.csv", views_compare.compare_export_csv, name="reports-export-csv"),
    path("compare/export.xlsx", views_compare.compare_export_xlsx, name="reports-export-xlsx"),
    path("api/assessments/", views_compare.assessments_api, name="reports-api-assessments"),
]
