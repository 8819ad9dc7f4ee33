from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from jiugai.core.views import healthz

handler404 = "jiugai.core.api.errors.handler404"
handler500 = "jiugai.core.api.errors.handler500"

api_v1: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("jiugai.accounts.api.urls")),
    path("", include("jiugai.policy.api.urls")),
    path("", include("jiugai.inventory.api.urls")),
    path("", include("jiugai.consultation.api.urls")),
    path("planning/", include("jiugai.planning.api.urls")),
    path("funding/", include("jiugai.funding.api.urls")),
    path("projects/", include("jiugai.projects.api.urls")),
    path("", include("jiugai.core.api.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("accounts/", include("jiugai.accounts.urls")),
    path("policy/", include("jiugai.policy.urls")),
    path("estates/", include("jiugai.inventory.urls")),
    path("consultation/", include("jiugai.consultation.urls")),
    path("b/", include("jiugai.consultation.public_urls")),
    path("planning/", include("jiugai.planning.urls")),
    path("funding/", include("jiugai.funding.urls")),
    path("projects/", include("jiugai.projects.urls")),
    path("p/", include("jiugai.projects.public_urls")),
    path("audit/", include("jiugai.core.urls")),
    path("", include("jiugai.dashboards.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
