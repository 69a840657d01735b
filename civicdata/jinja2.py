"""Jinja2 for the public pages (templates/jinja2/): the backend, and an environment with what
their templates use that Django's template language has built in. The admin and the content
blocks stay in Django's template language (settings.TEMPLATES)."""

import datetime
import functools
import itertools
from operator import attrgetter
from typing import NamedTuple

import jinja2
from django.conf import settings
from django.template import defaultfilters
from django.template.backends import jinja2 as jinja2_backend
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from django.templatetags.static import static
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from markupsafe import Markup, escape

from civicdata.reversing import reverse_remembered


class Jinja2(jinja2_backend.Jinja2):
    """Django's Jinja2 backend, except that what a view passes wins over what the context
    processors add, as in Django's templates. (Django's Jinja2 backend lets the processors win:
    a review page's `canonical_url=""` would become the page's secret address.)"""

    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)


class Template(jinja2_backend.Template):
    def render(self, context=None, request=None):
        if request is not None:
            full_context = {
                "request": request,
                "csrf_input": csrf_input_lazy(request),
                "csrf_token": csrf_token_lazy(request),
            }
            for processor in self.backend.template_context_processors:
                full_context.update(processor(request))
            full_context.update(context or {})
            context = full_context
        return super().render(context)


def environment(**options):
    options.update(
        autoescape=True,
        auto_reload=settings.DEBUG,
        # A missing value, or an attribute of one, renders as nothing, as in Django's templates
        # (Django would otherwise print it, or fail on an attribute of it, when DEBUG is on).
        undefined=jinja2.ChainableUndefined,
        # Pages end with a newline, as they did in Django's templates.
        keep_trailing_newline=True,
    )
    env = jinja2.Environment(**options)
    env.globals.update(
        static=static, url=url, regroup=regroup, byline=byline, time_element=time_element
    )
    env.filters.update(
        date=date,
        capfirst=defaultfilters.capfirst,
        pluralize=defaultfilters.pluralize,
        linebreaks=linebreaks,
        linebreaksbr=linebreaksbr,
    )
    return env


def url(name, *args, **kwargs):
    """{% url %}: `url("essays:essay_list_page", 2)`."""
    return reverse_remembered(name, args, kwargs)


def date(value, format=None):
    """Django's `date` filter, showing a datetime in the current time zone as Django's templates
    do (`date("j F Y")`, or a format's name: `date("DATETIME_FORMAT")`)."""
    if type(value) is datetime.date:
        return _formatted_date(value, format, get_language())
    return defaultfilters.date(template_localtime(value), format)


# Formatting costs ~50 µs (translated month names), on every card of a list: each day is formatted
# once per format and language. Only plain dates: a datetime would also depend on the time zone.
@functools.lru_cache(maxsize=4096)
def _formatted_date(value, format, language):
    return defaultfilters.date(value, format)


# byline() and time_element() are on every card of a list: as functions, escaping with
# markupsafe.escape (Markup.format is Python's slow string.Formatter), they cost a fraction of
# what calling a Jinja macro does.


def byline(essay) -> Markup:
    """ "By A, B and C": an essay's authors, or nothing."""
    names = [escape(author.name) for author in essay.authors]
    if not names:
        return Markup("\n")
    if len(names) > 1:
        names = [", ".join(names[:-1]), names[-1]]
    return Markup(f'<span class="byline">By {" and ".join(names)}</span>\n')


def time_element(value) -> Markup:
    """A date as readers read it, in a <time> element machines can read."""
    shown = escape(date(value, "j F Y"))
    return Markup(f'<time datetime="{escape(value.isoformat())}">{shown}</time>\n')


def linebreaks(value):
    """Plain text as escaped paragraphs (<p>, <br>), Django's `linebreaks`."""
    return defaultfilters.linebreaks_filter(value, autoescape=True)


def linebreaksbr(value):
    return defaultfilters.linebreaksbr(value, autoescape=True)


class Group(NamedTuple):
    grouper: object
    list: list


def regroup(items, attribute):
    """{% regroup items by attribute %}: runs of items with the same attribute, in the items'
    order (Jinja's `groupby` filter sorts them by it first)."""
    return [
        Group(grouper, list(run))
        for grouper, run in itertools.groupby(items, key=attrgetter(attribute))
    ]
