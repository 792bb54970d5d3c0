"""Slide image encoders, with the settings chosen by measurement.

Measured on benchmarks/make_deck.py's deck (16:9, vector text, a bar chart and a photo per slide) at 1280 px, 10
pages, CPU time per page on this project's 2-core machine; PSNR against the lossless render by the same rasterizer
(pdfium), over the whole slide and over the 7 pt footnote strip (legibility of the smallest text):

| encoder | ms/page | KB/page | PSNR dB | small text dB |
|---|---|---|---|---|
| render itself (pdfium, text + chart + photo) | 12 | | | |
| JPEG q85 (libjpeg-turbo, 4:2:0), the reference | 3.5 | 77.6 | 41.3 | 46.1 |
| WebP q75 method 0 | 13.6 | 37.6 | 41.3 | 48.8 |
| WebP q82 method 0 (chosen) | 14 | 44.4 | 42.4 | 51.6 |
| WebP q80 method 2 | 29 | 31.2 | 41.9 | 48.9 |
| WebP q82 method 4 (scormkit 0.1) | 50 | 31.4 | 42.0 | 50.4 |
| WebP q82 method 6 | 437 wall | 30.6 | 41.8 | 50.3 |

WebP method 0 gives 0.57x the bytes of the reference JPEG at higher fidelity, small text included, for a quarter of
method 4's time: methods 2-6 save another 30 % of image bytes for 2x-3.5x the time, and the image bytes are a small
part of a package that ships its PDF. JPEG stays available (`slides.format: jpeg`): 4x faster to encode, 1.7x the
bytes.
"""

from __future__ import annotations

import io

#: WebP `method` (0 fastest .. 6 smallest); see the table above.
WEBP_METHOD = 0
#: Part of the render cache key: bump when the rendering or encoding code changes the bytes it produces.
RENDER_SCHEME = f"scormkit-render-2;webp-method={WEBP_METHOD}"


def encode(image, fmt: str, quality: int) -> bytes:
    """`image` (RGB Pillow image) as WebP, JPEG or PNG bytes; the same image always gives the same bytes."""
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=quality, method=WEBP_METHOD)
    elif fmt == "jpeg":
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        image.save(out, "PNG", compress_level=9)
    return out.getvalue()
