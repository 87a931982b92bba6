"""The hub's addresses: one place per ``/p/<slug>/``."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from fairer.hub import views

P = "p/<slug:slug>/"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="hub/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invite/<str:token>/", views.join, name="join"),
    path(P, views.glance, name="glance"),
    path(P + "league/", views.league, name="league"),
    path(P + "reports/<str:name>", views.report_file, name="report"),
    path(P + "assets/", views.assets, name="assets"),
    path(P + "assets/new/", views.asset_new, name="asset_new"),
    path(P + "assets/upload/", views.asset_upload, name="asset_upload"),
    path(P + "assets/<int:pk>/", views.asset_edit, name="asset_edit"),
    path(P + "assets/<int:pk>/retire/", views.asset_retire, name="asset_retire"),
    path(P + "actions/", views.actions, name="actions"),
    path(P + "actions/<str:action_id>/", views.action_detail, name="action"),
    path(P + "milestones/<int:pk>/", views.milestone_update, name="milestone_update"),
    path(P + "learning/", views.learning, name="learning"),
    path(P + "learning/new/", views.learning_new, name="learning_new"),
    path(P + "voices/", views.voices, name="voices"),
    path(P + "voices/upload/", views.voices_upload, name="voices_upload"),
    path(P + "voices/review/", views.voices_review, name="voices_review"),
    path(P + "comments/", views.comment, name="comment"),
    path(P + "history/", views.history, name="history"),
    path(P + "export/<str:what>.<str:fmt>", views.export, name="export"),
    path(P + "import/", views.import_file, name="import"),
    path(P + "publish/", views.publish, name="publish"),
    path(P + "members/", views.members, name="members"),
    path("admin/", admin.site.urls),
]
