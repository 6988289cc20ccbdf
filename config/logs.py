"""Logging filters."""

import logging


class RefusalsOnOneLine(logging.Filter):
    """Drops the traceback of a request answered 4xx. A 403 or a 400 is the app refusing as it
    should, and its traceback says nothing new: a probe logged 5,600 of them. A 5xx keeps its
    traceback, the one thing that tells what broke."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
