"""Your data, and erasure (accounts.data_views)."""

from django.urls import path

from accounts import data_views

urlpatterns = [
    path("data/", data_views.your_data, name="accounts-your-data"),
    path("data/download/", data_views.your_data_download, name="accounts-your-data-download"),
    path("people/erase/", data_views.erase, name="accounts-erase"),
]
