"""django-markdownx's preview and upload views, for staff who write (authors and editors).

As shipped, markdownx accepts anonymous requests on both, answers a GET to the upload view with
a server error, trusts the browser's word that an upload is an image and keeps the file name's
extension. Here anyone but active staff gets 403, only POST is accepted, and an upload is kept
only if Pillow can decode it, under an extension named for what it really is.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from markdownx import views as markdownx_views
from markdownx.forms import ImageForm
from PIL import Image

from civicdata.images import validate_image_file

# What markdownx stores each format as; the browser's content type and file name are ignored.
STORED_AS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}


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
    civicdata's Pillow check on the file itself. Every error is reported on `image`."""

    def clean(self):
        if self.has_error("image"):
            return self.cleaned_data
        try:
            upload = super().clean()  # markdownx: something uploaded, a listed type, not too big
            validate_image_file(upload)
            with Image.open(upload) as image:
                image_format = image.format
            upload.seek(0)
            if image_format not in STORED_AS:
                raise ValidationError("This kind of image cannot be inserted into the text.")
        except ValidationError as error:
            raise ValidationError({"image": error.messages}) from None
        # markdownx re-encodes to (and names the file after) the content type it is given.
        upload.content_type, extension = STORED_AS[image_format]
        upload.name = f"image.{extension}"
        return self.cleaned_data


class ImageUploadView(StaffOnlyMixin, markdownx_views.ImageUploadView):
    """Answers in JSON whether or not the request says it comes from markdownx's script:
    markdownx's own view would try to render a template it does not have."""

    form_class = ImageUploadForm

    def form_invalid(self, form):
        return JsonResponse(form.errors, status=400)

    def form_valid(self, form):
        image_url = form.save(commit=True)
        return JsonResponse({"image_code": f"![]({image_url})"})
