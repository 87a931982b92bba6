"""The hub as a Django application."""

from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "fairer.hub"
    label = "hub"
    verbose_name = "fairer partnership hub"
    default_auto_field = "django.db.models.BigAutoField"
