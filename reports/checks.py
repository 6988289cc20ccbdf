from django.core.checks import Warning, register

from reports.chart_export import find_browser


@register()
def chart_browser_check(app_configs, **kwargs):
    """PDF reports draw their charts with Chromium; say so at start-up if there is none."""
    if find_browser() is None:
        return [
            Warning(
                "No Chromium browser found: report PDFs cannot include their charts.",
                hint="Install the 'chromium' package (make install does) or set BROWSER_PATH.",
                id="reports.W001",
            )
        ]
    return []
