"""Jiugai (旧改): the platform for urban old residential estate renovation."""

from .celery import app as celery_app

__all__ = ["celery_app"]
