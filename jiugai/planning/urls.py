from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/run/", views.plan_run, name="plan_run"),
    path("plans/<int:pk>/progress/", views.plan_progress, name="plan_progress"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("plans/<int:pk>/transition/", views.plan_transition, name="plan_transition"),
    path("plans/<int:pk>/entries.<str:fmt>", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/points/", views.plan_points, name="plan_points"),
    path("plans/<int:pk>/document.<str:fmt>", views.plan_document, name="plan_document"),
    path("compare/", views.plan_compare, name="plan_compare"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/template.xlsx", views.catalogue_template, name="catalogue_template"),
    path("catalogue/import/", views.catalogue_import, name="catalogue_import"),
    path("catalogue/<int:pk>/", views.catalogue_version, name="catalogue_version"),
    path("catalogue/<int:pk>/items.<str:fmt>", views.catalogue_export, name="catalogue_export"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/estate/<int:estate_pk>/", views.proposal_edit, name="proposal_edit"),
    path("scores/", views.score_list, name="score_list"),
    path("scores.<str:fmt>", views.score_list, name="score_export"),
    path("weights/", views.weights_edit, name="weights"),
    path("bundles/", views.bundle_list, name="bundle_list"),
    path("bundles/points/", views.bundle_points, name="bundle_points"),
]
