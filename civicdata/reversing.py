"""`reverse()`, remembered. Django's reverse() costs about 20 µs (namespaces, the pattern's
candidates, quoting); a list page calls it for every card. Its answer depends only on its
arguments, the URLconf and the script prefix, so those are the key.

The URLconf is settings.ROOT_URLCONF: nothing here routes a request by a URLconf of its own
(`request.urlconf`), and asking for the current one costs as much as the reverse() saved."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse


def reverse_remembered(viewname, args=(), kwargs=None) -> str:
    return _reverse(
        viewname,
        tuple(args),
        tuple(sorted(kwargs.items())) if kwargs else (),
        settings.ROOT_URLCONF,
        get_script_prefix(),
    )


@functools.lru_cache(maxsize=8192)
def _reverse(viewname, args, kwargs_items, urlconf, script_prefix):
    # script_prefix is part of the key only: reverse() reads it itself.
    return reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs_items))
