"""Looking inside PDFs for the report and comparison tests."""


def raster_images(resources) -> list:
    """Image XObjects in a PDF page's resources, looking inside the forms WeasyPrint draws."""
    found = []
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            found.append(xobject)
        elif "/Resources" in xobject:
            found += raster_images(xobject["/Resources"].get_object())
    return found
