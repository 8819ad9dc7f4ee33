from django.urls import path

from . import views

app_name = "consultation"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/tally/", views.campaign_tally, name="campaign_tally"),
    path("<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("<int:pk>/decide/", views.campaign_decide, name="campaign_decide"),
    path("<int:pk>/progress/", views.campaign_progress, name="campaign_progress"),
    path("<int:pk>/ballots/new/", views.ballot_enter, name="ballot_enter"),
    path("<int:pk>/slips.pdf", views.campaign_qr_sheet, name="campaign_qr_sheet"),
    path("<int:pk>/certificate.pdf", views.campaign_certificate, name="campaign_certificate"),
]
