"""QR codes as SVG (posters, scalable for print) and PNG (for slip printing software)."""
from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import qrcode

# qrcode (and Pillow, for PNG) are imported when a code is drawn, not when the app starts.


def _code(data: str) -> qrcode.QRCode:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    # Level M survives a scuffed or badly printed poster while keeping the code small.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=10)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str) -> str:
    """A standalone SVG document (no XML declaration) that can be inlined in HTML."""
    import qrcode.image.svg

    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    text = image.to_string(encoding="unicode")
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[1].lstrip()
    return text


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    _code(data).make_image().save(buffer, format="PNG")
    return buffer.getvalue()
