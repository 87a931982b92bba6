"""What partners feed in, per place, each change attributed and kept in a history.

Every editable record carries a ``version``: an edit says which version it started from and is
refused if someone saved in between (no lost updates). :class:`Change` keeps who, when and the
record before and after.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

ROLES = (
    ("owner", "owner"),
    ("analyst", "analyst"),
    ("partner", "partner"),
    ("community", "community"),
)


class HubPlace(models.Model):
    """A place served by the hub: its folder (``fairer init``) holds the data and outputs."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    folder = models.CharField(max_length=1000)
    public = models.BooleanField(default=False, help_text="Anyone may read the place at a glance")
    published_at = models.DateTimeField(null=True, blank=True)
    #: checksums of the files the hub last wrote for the CLI (actions, learning, assets)
    exported = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    place = models.ForeignKey(HubPlace, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(max_length=200)

    class Meta:
        unique_together = [("place", "name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    place = models.ForeignKey(HubPlace, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=20, choices=ROLES)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        unique_together = [("user", "place")]


class Invitation(models.Model):
    """A link that lets one person join a place in a role (no self-registration)."""

    place = models.ForeignKey(HubPlace, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, choices=ROLES)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class Asset(Versioned):
    place = models.ForeignKey(HubPlace, on_delete=models.CASCADE, related_name="assets")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=200)
    asset_type = models.CharField(max_length=40)
    latitude = models.FloatField()
    longitude = models.FloatField()
    postcode = models.CharField(max_length=10, blank=True)
    opening = models.CharField(max_length=200, blank=True)
    run_by = models.CharField(max_length=200, blank=True)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["asset_type", "name"]


class Action(Versioned):
    place = models.ForeignKey(HubPlace, on_delete=models.CASCADE, related_name="actions")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    action_id = models.CharField(max_length=40)
    area_of_focus = models.CharField(max_length=200, blank=True)
    action = models.TextField()
    owner = models.CharField(max_length=200, blank=True)
    measures = models.CharField(max_length=500, blank=True)
    priority_areas = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=20, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        unique_together = [("place", "action_id")]
        ordering = ["action_id"]


class Milestone(Versioned):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    milestone_id = models.CharField(max_length=40)
    milestone = models.TextField()
    due = models.DateField(null=True, blank=True)
    done = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        unique_together = [("action", "milestone_id")]
        ordering = ["due", "milestone_id"]


class LearningEntry(Versioned):
    place = models.ForeignKey(HubPlace, on_delete=models.CASCADE, related_name="learning")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    entry_id = models.CharField(max_length=40)
    date = models.DateField(null=True, blank=True)
    tried = models.TextField()
    happened = models.TextField(blank=True)
    worked = models.TextField(blank=True)
    did_not_work = models.TextField(blank=True)
    why = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    actions = models.CharField(max_length=500, blank=True)
    measures = models.CharField(max_length=500, blank=True)
    areas = models.CharField(max_length=500, blank=True)
    tags = models.CharField(max_length=500, blank=True)
    evaluations = models.CharField(max_length=500, blank=True)

    class Meta:
        unique_together = [("place", "entry_id")]
        ordering = ["-date", "entry_id"]


class Comment(models.Model):
    """A note on an indicator, a neighbourhood or an action ("we know why this is red")."""

    TARGETS = (("indicator", "indicator"), ("area", "neighbourhood"), ("action", "action"))
    place = models.ForeignKey(HubPlace, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    target_kind = models.CharField(max_length=20, choices=TARGETS)
    target_key = models.CharField(max_length=200)
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class Upload(models.Model):
    """Workshop notes or a survey export, imported and redacted (the file itself is not kept)."""

    place = models.ForeignKey(HubPlace, on_delete=models.CASCADE, related_name="uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    filename = models.CharField(max_length=255)
    statements = models.PositiveIntegerField(default=0)
    redactions = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)


class Change(models.Model):
    """One change: who, when, which record, and the record before and after."""

    place = models.ForeignKey(HubPlace, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    model = models.CharField(max_length=40)
    object_id = models.CharField(max_length=80)
    verb = models.CharField(max_length=20)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
