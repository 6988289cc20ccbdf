"""Compression of the app's own responses."""

from django.middleware.gzip import GZipMiddleware

# What gains from gzip: pages, JSON and CSV. PDFs, workbooks and zips are compressed already;
# gzipping them again costs a web worker tens of milliseconds a file for nothing.
TEXT_TYPES = ("text/", "application/json", "image/svg+xml")


class GZipTextMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its padding against BREACH), for text responses only."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(TEXT_TYPES):
            return response
        return super().process_response(request, response)
