import copy

from django import forms

from civicdata.admin_forms import PublishableAdminForm

from .models import CaseStudy, Stage

CONFIRM_FIELD = "confirm_breaking_links"


class CaseStudyAdminForm(PublishableAdminForm):
    """The case study's admin form. Renaming or unpublishing a case study that essays link to
    takes a second save with a box ticked: the box appears, with the essays named, only then."""

    confirm_breaking_links = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,  # shown (a checkbox) only when it is needed: see clean()
        label="Change it anyway",
        help_text="Tick to save although essays link to this case study.",
    )

    class Meta(PublishableAdminForm.Meta):
        model = CaseStudy

    def clean(self):
        cleaned_data = super().clean()
        changes = self._changes_that_break_links(cleaned_data)
        if not changes or cleaned_data.get(CONFIRM_FIELD):
            return cleaned_data
        essays = list(self.instance.essays_linking_here())
        if not essays:
            return cleaned_data
        self.fields[CONFIRM_FIELD].widget = forms.CheckboxInput()
        names = ", ".join(
            f"“{essay.title}” ({essay.get_status_display().lower()})" for essay in essays
        )
        self.add_error(
            CONFIRM_FIELD,
            f"{'These essays link' if len(essays) > 1 else 'This essay links'} to this case "
            f"study: {names}. {' '.join(changes)} To go ahead, tick “Change it anyway” and save "
            "again.",
        )
        return cleaned_data

    def _changes_that_break_links(self, cleaned_data) -> list[str]:
        """What this save does that essays linking to the case study would feel, in words."""
        case_study = self.instance
        if case_study.pk is None:
            return []
        changes = []
        new_slug = cleaned_data.get("slug")
        if new_slug and new_slug != case_study.slug:
            changes.append(
                f"Renaming it moves it from /portfolio/{case_study.slug}/ to "
                f"/portfolio/{new_slug}/; their links, which name the old address, keep "
                "working through its redirect to the new one."
            )
        after = copy.copy(case_study)
        for name in ("status", "publish_at", "expire_at"):
            if name in cleaned_data:
                setattr(after, name, cleaned_data[name])
        if case_study.is_published and not after.is_published:
            changes.append(
                "Unpublishing it hides it from readers: their links to it become plain text."
            )
        return changes


class PortfolioFilterForm(forms.Form):
    """The portfolio list's filters, read from the query string (?topic=<slug>&stage=<stage>).
    Topics are those of published case studies, handed in so checking costs no query."""

    topic = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "No published case study has this topic."},
    )
    stage = forms.ChoiceField(
        required=False,
        choices=[("", "Any stage"), *Stage.choices],
        error_messages={"invalid_choice": "There is no such stage."},
    )

    def __init__(self, data=None, *, topics):
        super().__init__(data)
        self.fields["topic"].choices = [
            ("", "Any topic"),
            *((topic.slug, topic.name) for topic in topics),
        ]

    def chosen(self) -> dict:
        """The filters that are valid (an unknown value filters nothing and shows an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
