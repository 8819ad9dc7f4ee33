"""Pages without an account: a project's public disclosure page, residents' complaints and the satisfaction
survey (mounted under /p/)."""

from .views import acceptance, complaints, coordination, progress, project, tenders

app_name = "projects_public"
urlpatterns = [
    *project.public_urlpatterns,
    *tenders.public_urlpatterns,
    *progress.public_urlpatterns,
    *coordination.public_urlpatterns,
    *complaints.public_urlpatterns,
    *acceptance.public_urlpatterns,
]
