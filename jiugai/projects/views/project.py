"""Pages for projects: project."""

from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
# Pages residents and the public open without an account (mounted under /p/).
public_urlpatterns: list[URLPattern] = []
