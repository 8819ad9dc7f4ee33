"""Projects API (/api/v1/projects/): each part of the lifecycle lists its own routes."""

from . import acceptance, complaints, coordination, progress, project, tenders

urlpatterns = [
    *project.urlpatterns,
    *tenders.urlpatterns,
    *progress.urlpatterns,
    *coordination.urlpatterns,
    *complaints.urlpatterns,
    *acceptance.urlpatterns,
]
