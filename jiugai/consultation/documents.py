"""PDF output for consultation: the QR slip sheet per building, the consent certificate and the public
notice poster (公示 to post in the estate, with a QR code to the online notice and its comment form).

HTML rendered by Django templates, laid out by WeasyPrint with the Noto CJK font (Debian fonts-noto-cjk);
QR codes are inline SVG from segno.
"""

from __future__ import annotations

from typing import Any

import segno
from django.template.loader import render_to_string


def qr_svg(data: str, *, scale: int = 3) -> str:
    """An inline SVG QR code (error correction M, enough for a folded paper slip or a poster)."""
    return str(segno.make(data, error="m", micro=False).svg_inline(scale=scale, border=2))


def pdf_render(template: str, context: dict[str, Any]) -> bytes:
    """Render `template` to HTML and lay it out as PDF."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment and most requests need no PDF

    html = render_to_string(template, context)
    return bytes(HTML(string=html).write_pdf())
