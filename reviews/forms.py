from django import forms

from .models import (
    COMMENT_MAX_LENGTH,
    DEFAULT_VALIDITY_DAYS,
    MAX_VALIDITY_DAYS,
    ReviewComment,
    ReviewLink,
)

WHOLE_PIECE = ""


class ReviewLinkForm(forms.Form):
    """What an editor chooses when making a review link."""

    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=MAX_VALIDITY_DAYS,
        initial=DEFAULT_VALIDITY_DAYS,
        help_text=f"From now; at most {MAX_VALIDITY_DAYS} days. You can revoke it sooner.",
    )
    recipient = forms.CharField(
        label="For",
        max_length=ReviewLink._meta.get_field("recipient").max_length,
        required=False,
        help_text="Who you are sending it to, as a reminder for editors; reviewers never see this.",
    )


class ReviewCommentForm(forms.ModelForm):
    """A reviewer's comment on the whole piece or on one of its sections."""

    section = forms.ChoiceField(label="About", required=False)

    class Meta:
        model = ReviewComment
        fields = ["name", "body"]
        labels = {"name": "Your name (optional)", "body": "Your comment"}
        help_texts = {"name": "", "body": f"Plain text, up to {COMMENT_MAX_LENGTH} characters."}
        widgets = {"body": forms.Textarea(attrs={"rows": 6, "maxlength": COMMENT_MAX_LENGTH})}

    field_order = ["section", "name", "body"]

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        # Sections by anchor, as the item's table of contents lists them (case studies have
        # none, so their comments are about the whole piece).
        self.headings = {
            entry["anchor"]: entry["heading"]
            for entry in getattr(item, "table_of_contents", None) or []
        }
        self.fields["section"].choices = [
            (WHOLE_PIECE, f"The {item._meta.verbose_name} as a whole"),
            *self.headings.items(),
        ]

    def clean_section(self):
        return self.headings.get(self.cleaned_data["section"], "")
