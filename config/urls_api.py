"""The API's own description (OpenAPI), beside the API it describes."""

from django.urls import path

from config.openapi import openapi_json

urlpatterns = [path("api/openapi.json", openapi_json, name="api-openapi")]
