from django.urls import path

from . import views

app_name = "consultation"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/tally/", views.campaign_tally, name="campaign_tally"),
    path("<int:pk>/tally.<str:fmt>", views.campaign_tally_export, name="campaign_tally_export"),
    path("<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("<int:pk>/decide/", views.campaign_decide, name="campaign_decide"),
    path("<int:pk>/progress/", views.campaign_progress, name="campaign_progress"),
    path("<int:pk>/ballots/new/", views.ballot_enter, name="ballot_enter"),
    path("<int:pk>/ballots/paper/", views.paper_batch, name="paper_batch"),
    path("<int:pk>/ballots/paper.xlsx", views.paper_sheet, name="paper_sheet"),
    path("<int:pk>/slips.pdf", views.campaign_qr_sheet, name="campaign_qr_sheet"),
    path("<int:pk>/certificate.pdf", views.campaign_certificate, name="campaign_certificate"),
    # Public notices (公示)
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice_publish"),
    path("notices/<int:pk>/attachments/", views.notice_attachment_add, name="notice_attachment_add"),
    path("notices/<int:pk>/comments/", views.notice_comment_enter, name="notice_comment_enter"),
    path(
        "notices/<int:pk>/comments/<int:comment_pk>/respond/",
        views.notice_comment_respond,
        name="notice_comment_respond",
    ),
    path("notices/<int:pk>/poster.pdf", views.notice_poster, name="notice_poster"),
    # Drafts for public comment
    path("drafts/", views.draft_list, name="draft_list"),
    path("drafts/new/", views.draft_create, name="draft_create"),
    path("drafts/<int:pk>/", views.draft_detail, name="draft_detail"),
    path("drafts/<int:pk>/open/", views.draft_open, name="draft_open"),
    path("drafts/<int:pk>/comments/", views.draft_comment_enter, name="draft_comment_enter"),
    path(
        "drafts/<int:pk>/comments/<int:comment_pk>/respond/",
        views.draft_comment_respond,
        name="draft_comment_respond",
    ),
    path("drafts/<int:pk>/summary/", views.draft_summary_publish, name="draft_summary_publish"),
    # Opinions
    path("opinions/", views.opinion_list, name="opinion_list"),
    path("opinions/summary/", views.opinion_summary, name="opinion_summary"),
    path("opinions/summary.json", views.opinion_summary_data, name="opinion_summary_data"),
    path("opinions/export.<str:fmt>", views.opinion_export, name="opinion_export"),
    path("opinions/keywords/", views.keyword_list, name="keyword_list"),
    path("opinions/reclassify/", views.opinions_reclassify, name="opinions_reclassify"),
]
