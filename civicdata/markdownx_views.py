"""django-markdownx's preview and upload views, for staff who write (authors and editors).

As shipped, markdownx accepts anonymous requests on both, answers a GET to the upload view with
a server error, trusts the browser's word that an upload is an image, keeps the file name's
extension, scales photos down to 500 pixels and keeps their comments. Here anyone but active
staff gets 403, only POST is accepted, and an upload is kept only if Pillow can decode it, upright
and without its metadata (civicdata.images.without_metadata), under an extension named for what
it really is. Pages serve it through its renditions (civicdata.renditions).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from markdownx import views as markdownx_views
from markdownx.forms import ImageForm

from civicdata.images import validate_image_file, without_metadata

# Whoever may write an essay or a case study uses the editor: authors and editors.
WRITER_PERMISSIONS = ("essays.change_essay", "portfolio.change_casestudy")


class StaffOnlyMixin:
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        # Checked before the method, so outsiders learn nothing, not even which methods exist.
        user = request.user
        if not (
            user.is_active
            and user.is_staff
            and any(user.has_perm(permission) for permission in WRITER_PERMISSIONS)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MarkdownifyView(StaffOnlyMixin, markdownx_views.MarkdownifyView):
    """The editor's preview, rendered by MARKDOWNX_MARKDOWNIFY_FUNCTION: what readers would get."""

    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest("No Markdown content was sent.")
        return super().post(request, *args, **kwargs)


class ImageUploadForm(ImageForm):
    """markdownx's upload form, which checks only the content type the browser claims, with
    civicdata's Pillow check on the file itself, keeping the image without its metadata.
    Every error is reported on `image`."""

    def clean(self):
        if self.has_error("image"):
            return self.cleaned_data
        try:
            upload = super().clean()  # markdownx: something uploaded, a listed type, not too big
            validate_image_file(upload)
            # Named `<name>.<real extension>`; markdownx stores it under a random name.
            self.cleaned_data["image"] = without_metadata(upload)
        except ValidationError as error:
            raise ValidationError({"image": error.messages}) from None
        return self.cleaned_data

    def save(self, commit=True):
        """Store the cleaned image as it is: markdownx's own save would re-encode it from the
        raw upload, metadata and all, scaled down to 500 pixels."""
        image = self.cleaned_data["image"]
        return self._save(image, image.name, commit)


class ImageUploadView(StaffOnlyMixin, markdownx_views.ImageUploadView):
    """Answers in JSON whether or not the request says it comes from markdownx's script:
    markdownx's own view would try to render a template it does not have."""

    form_class = ImageUploadForm

    def form_invalid(self, form):
        return JsonResponse(form.errors, status=400)

    def form_valid(self, form):
        image_url = form.save(commit=True)
        return JsonResponse({"image_code": f"![]({image_url})"})
