"""The framework's admin for the hub's records (superusers only)."""

from django.contrib import admin

from fairer.hub import models

for m in (models.HubPlace, models.Organisation, models.Membership, models.Asset, models.Action,
          models.Milestone, models.LearningEntry, models.Comment, models.Upload):  # fmt: skip
    admin.site.register(m)


@admin.register(models.Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "place", "user", "model", "object_id", "verb")
    readonly_fields = ("place", "user", "at", "model", "object_id", "verb", "before", "after")
