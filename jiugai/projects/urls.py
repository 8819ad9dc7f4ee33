"""Staff pages for projects: each part of the lifecycle lists its own patterns in its views module."""

from .views import acceptance, complaints, coordination, progress, project, tenders

app_name = "projects"
urlpatterns = [
    *project.urlpatterns,
    *tenders.urlpatterns,
    *progress.urlpatterns,
    *coordination.urlpatterns,
    *complaints.urlpatterns,
    *acceptance.urlpatterns,
]
