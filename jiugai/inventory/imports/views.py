"""Import pages: templates, upload, preview with every problem, commit, progress and history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiugai.core.exporting import Column, export_response
from jiugai.core.permissions import require
from jiugai.core.scoping import get_visible_or_404, visible_to

from ..choices import ImportKind, ImportStatus
from ..models import ImportJob
from ..tasks import import_commit_task, import_validate_task
from .columns import SPECS
from .commit import (
    KEEP,
    background_rows,
    import_allowed,
    import_job_commit,
    import_job_count_rows,
    import_job_create,
    import_job_queue,
    import_job_resolve,
    import_job_validate,
    import_progress,
)
from .forms import ImportUploadForm
from .templates import template_filename, template_workbook

ACTION = "inventory.import_inventory"
RUNNING = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.COMMITTING)


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """The imports of the user's jurisdiction, newest first."""
    require(request.user, ACTION)
    jobs = visible_to(request.user, ImportJob.objects.select_related("jurisdiction", "uploaded_by"))
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(request, "inventory/imports/list.html", {"page_obj": page, "querystring": ""})


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The .xlsx template of one kind, with the drop-downs of the user's jurisdiction."""
    require(request.user, ACTION)
    if kind not in SPECS:
        raise Http404(kind)
    data = template_workbook(kind=kind, jurisdiction=getattr(request.user, "jurisdiction", None))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"{kind}.xlsx\"; filename*=UTF-8''{quote(template_filename(kind))}"
    )
    return response


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    """Choose a kind, download its template, upload the filled-in file."""
    require(request.user, ACTION)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        jurisdiction = form.cleaned_data["jurisdiction"]
        if not import_allowed(user=request.user, jurisdiction=jurisdiction):
            raise PermissionDenied(_("You may not import into %(place)s.") % {"place": jurisdiction.name})
        upload = form.cleaned_data["file"]
        job = import_job_create(
            kind=form.cleaned_data["kind"],
            file=upload,
            original_name=upload.name,
            jurisdiction=jurisdiction,
            user=request.user,
        )
        if import_job_count_rows(job=job) > background_rows():
            import_job_queue(job=job, status=ImportStatus.VALIDATING)
            import_validate_task.delay(job.pk)
        else:
            import_job_validate(job=job)
        return redirect("inventory:imports:detail", pk=job.pk)
    kinds = [(value, label, SPECS[value].title) for value, label in ImportKind.choices]
    return render(request, "inventory/imports/new.html", {"form": form, "kinds": kinds})


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    require(request.user, ACTION)
    return get_visible_or_404(request.user, ImportJob.objects.select_related("jurisdiction", "uploaded_by"), pk=pk)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while running; the preview (errors, warnings, counts) when validated; the outcome when done."""
    job = _job_for(request, pk)
    resolutions = job.summary.get("resolutions", {})
    warnings = [{**w, "choice": resolutions.get(w.get("source_code", ""), KEEP)} for w in job.warnings]
    return render(
        request,
        "inventory/imports/detail.html",
        {
            "job": job,
            "running": job.status in RUNNING,
            "progress": import_progress(job),
            "errors": job.errors[:1000],
            "error_count": job.summary.get("error_count", len(job.errors)),
            "warnings": warnings,
            "counts": _count_rows(job.summary.get("written") or job.summary.get("counts") or {}),
        },
    )


def _count_rows(counts: dict[str, dict[str, int]]) -> list[dict[str, object]]:
    labels = dict(ImportKind.choices)
    return [{"kind": labels.get(kind, kind), **values} for kind, values in counts.items()]


@login_required
def import_progress_partial(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar (polled every second with htmx); tells htmx to reload the page when the job is done."""
    job = _job_for(request, pk)
    response = render(
        request,
        "inventory/imports/_progress.html",
        {"job": job, "running": job.status in RUNNING, "progress": import_progress(job)},
    )
    if job.status not in RUNNING:
        response["HX-Redirect"] = reverse("inventory:imports:detail", args=[job.pk])
    return response


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the near-duplicate choices and write the import (in the background for large files)."""
    job = _job_for(request, pk)
    if not import_allowed(user=request.user, jurisdiction=job.jurisdiction):
        raise PermissionDenied(_("You may not import into %(place)s.") % {"place": job.jurisdiction.name})
    resolutions = {
        key.removeprefix("resolution-"): str(value)
        for key, value in request.POST.items()
        if key.startswith("resolution-")
    }
    import_job_resolve(job=job, resolutions=resolutions)
    if job.status != ImportStatus.VALID:
        messages.error(request, _("Only a validated import without errors can be imported."))
        return redirect("inventory:imports:detail", pk=job.pk)
    try:
        if job.total_rows > background_rows():
            import_job_queue(job=job, status=ImportStatus.COMMITTING)
            import_commit_task.delay(job.pk, request.user.pk)
        else:
            import_job_commit(job=job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("inventory:imports:detail", pk=job.pk)


@login_required
def import_errors_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The error list of an import as .xlsx or .csv, to fix the file against."""
    job = _job_for(request, pk)
    columns = [
        Column(_("Sheet"), "sheet"),
        Column(_("Row"), "row"),
        Column(_("Column"), "column"),
        Column(_("Column letter"), "letter"),
        Column(_("Problem"), "message"),
    ]
    return export_response(rows=job.errors, columns=columns, filename=f"import-{job.pk}-errors", fmt=fmt)  # type: ignore[return-value]
