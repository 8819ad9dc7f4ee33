"""Writes for projects, one module per part of the lifecycle (`project`, `tenders`, `progress`, `coordination`,
`complaints`, `acceptance`). Keyword-only, atomic, validated; legally meaningful acts are audited."""
