"""The hub's forms: Django validates, CSRF-protects and escapes; fairer's readers check files."""

from __future__ import annotations

from django import forms

from fairer.delivery.actions import STATUSES
from fairer.hub.config import MAX_UPLOAD_BYTES
from fairer.hub.models import ROLES, Asset, Comment, LearningEntry
from fairer.targeting.assets import TYPES
from fairer.voices.importing import NOTES_SUFFIXES, SURVEY_SUFFIXES

#: what each upload may be, by suffix, and the first bytes its content must have
UPLOAD_KINDS = {
    "notes": (*NOTES_SUFFIXES, *SURVEY_SUFFIXES),  # what `fairer voices import` reads
    "assets": (".csv", ".xlsx", ".geojson", ".json"),
    "actions": (".xlsx", ".csv", ".yaml", ".yml"),
    "learning": (".xlsx", ".csv", ".yaml", ".yml"),
}
ZIPPED = (".xlsx", ".xlsm", ".docx", ".odt", ".ods")


def check_upload(f, kind: str) -> str:
    """The upload's suffix, once its size, suffix and content agree (else ValidationError)."""
    name = f.name or ""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in UPLOAD_KINDS[kind]:
        raise forms.ValidationError(
            f"'{suffix or name}' files are not accepted here: use {', '.join(UPLOAD_KINDS[kind])}"
        )
    if f.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(f"the file is over {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
    head = f.read(2048)
    f.seek(0)
    if suffix in ZIPPED or suffix == ".pdf":
        magic = b"%PDF-" if suffix == ".pdf" else b"PK\x03\x04"
        if not head.startswith(magic):
            raise forms.ValidationError(f"the file is not a real {suffix} (its content is not)")
    elif b"\x00" in head:
        raise forms.ValidationError("the file is not text (it holds binary content)")
    return suffix


class AssetForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    asset_type = forms.ChoiceField(choices=[(t, t) for t in TYPES])
    latitude = forms.FloatField(required=False, min_value=49.5, max_value=61)
    longitude = forms.FloatField(required=False, min_value=-8.7, max_value=2.1)
    easting = forms.FloatField(required=False, min_value=0, max_value=700_000,
                               help_text="or click the map")  # fmt: skip
    northing = forms.FloatField(required=False, min_value=0, max_value=1_300_000)

    class Meta:
        model = Asset
        fields = ["name", "asset_type", "postcode", "latitude", "longitude", "opening", "run_by"]

    def clean(self):
        data = super().clean()
        has_ll = data.get("latitude") is not None and data.get("longitude") is not None
        has_en = data.get("easting") is not None and data.get("northing") is not None
        if not (has_ll or has_en or data.get("postcode")):
            raise forms.ValidationError(
                "say where it is: click the map, or give latitude/longitude, or a postcode"
            )
        return data


class MilestoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=[(s, s) for s in STATUSES])
    done = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class LearningForm(forms.ModelForm):
    class Meta:
        model = LearningEntry
        fields = ["date", "tried", "happened", "worked", "did_not_work", "why", "evidence",
                  "actions", "measures", "areas", "tags"]  # fmt: skip
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            **{f: forms.Textarea(attrs={"rows": 2})
               for f in ("tried", "happened", "worked", "did_not_work", "why", "evidence")},
        }  # fmt: skip
        labels = {"tried": "What we tried", "happened": "What happened", "worked": "What worked",
                  "did_not_work": "What did not work", "why": "Why"}  # fmt: skip


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["target_kind", "target_key", "text"]
        widgets = {"target_kind": forms.HiddenInput, "target_key": forms.HiddenInput,
                   "text": forms.Textarea(attrs={"rows": 2})}  # fmt: skip


class UploadForm(forms.Form):
    file = forms.FileField()


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=[("actions", "action plan"), ("learning", "learning log"),
                                      ("assets", "asset register")])  # fmt: skip
    file = forms.FileField()


class InviteForm(forms.Form):
    role = forms.ChoiceField(choices=ROLES)
    organisation = forms.CharField(required=False, max_length=200)


class JoinForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, min_length=10)
