from django.urls import path

from frameworks import views

urlpatterns = [
    path("frameworks/", views.framework_list, name="frameworks-list"),
    path("frameworks/<slug:slug>/<str:version>/", views.framework_detail, name="frameworks-detail"),
    path("api/frameworks/<slug:slug>/<str:version>/", views.framework_api, name="frameworks-api"),
]
