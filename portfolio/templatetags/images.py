from django import template

from civicdata.renditions import COLUMN_SIZES

register = template.Library()


@register.simple_tag
def picture(image, *, alt, css_class="", lazy=True, sizes=COLUMN_SIZES):
    """An image with its renditions (civicdata.renditions.ResponsiveImage): <picture>, srcset,
    sizes, width and height. `lazy=False` for an image at the top of the page."""
    if image is None:
        return ""
    return image.html(alt=alt, css_class=css_class, lazy=lazy, sizes=sizes)
