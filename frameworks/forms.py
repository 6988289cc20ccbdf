from django import forms
from django.template.defaultfilters import filesizeformat

from frameworks.uploads import SUFFIXES, UPLOAD_MAX_BYTES


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Framework file",
        help_text=(
            "An XLSX workbook laid out as a framework's downloaded workbook is, or a YAML file "
            f"in the fixtures' shape; up to {filesizeformat(UPLOAD_MAX_BYTES)}."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )

    def clean_file(self):
        """Refused by its size and name before a byte of it is read."""
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {filesizeformat(UPLOAD_MAX_BYTES)}: "
                "a framework file is far smaller."
            )
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError("Upload an XLSX workbook (.xlsx) or a YAML file (.yaml).")
        return upload
