from django.urls import path

from . import views

# Public pages, no login: ballot links, and the notice (公示), draft-for-comment and opinion pages.
# The prefixed paths come first; ballot tokens never contain "/", so they cannot collide.
app_name = "ballot"
urlpatterns = [
    path("n/<str:public_id>/", views.notice_public, name="notice"),
    path("d/<str:public_id>/", views.draft_public, name="draft"),
    path("o/<str:code>/", views.opinion_public, name="opinion"),
    path("<str:token>/", views.ballot_page, name="page"),
    path("<str:token>/done/", views.ballot_done, name="done"),
]
