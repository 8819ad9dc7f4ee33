from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("totals/<str:by>.<str:fmt>", views.totals_export, name="totals_export"),
    path("alerts.<str:fmt>", views.alert_export, name="alert_export"),
    path("sources/", views.source_list, name="source_list"),
    path("sources.<str:fmt>", views.source_export, name="source_export"),
    path("allocations/", views.allocation_list, name="allocation_list"),
    path("allocations.<str:fmt>", views.allocation_export, name="allocation_export"),
    path("allocations/<int:pk>/", views.allocation_detail, name="allocation_detail"),
    path("allocations/<int:pk>/transition/", views.allocation_transition, name="allocation_transition"),
    path("estates/<int:pk>/", views.estate_funding, name="estate"),
    path("estates/<int:pk>/ocds.json", views.estate_ocds, name="estate_ocds"),
    path("cost-shares/", views.cost_share_list, name="cost_share_list"),
    path("cost-shares.<str:fmt>", views.cost_share_export, name="cost_share_export"),
    path("cost-shares/<int:pk>/", views.cost_share_detail, name="cost_share_detail"),
    path("cost-shares/<int:pk>/shares.<str:fmt>", views.cost_share_shares_export, name="cost_share_shares_export"),
    path("cost-shares/<int:pk>/notice/", views.cost_share_notice, name="cost_share_notice"),
    path("cost-shares/<int:pk>/notice.<str:fmt>", views.cost_share_notice, name="cost_share_notice_fmt"),
]
