"""Pages for projects, one module per part of the lifecycle; each module lists its own `urlpatterns`."""
