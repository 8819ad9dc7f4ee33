"""The `jiugai` console script: Django's management commands under the project's own name.

`jiugai demo`, `jiugai serve`, `jiugai policy show CODE`, `jiugai audit verify`, `jiugai synth`,
`jiugai decide RULE --input FILE.json`, and every other management command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiugai.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["jiugai", *args])


if __name__ == "__main__":
    main()
