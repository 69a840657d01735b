"""`reverse()`, remembered. Django's reverse() costs about 20 µs (namespaces, the pattern's
candidates, quoting); a list page calls it for every card. Its answer depends only on its
arguments, the URLconf and the script prefix.

The URLconf is settings.ROOT_URLCONF: nothing here routes a request by a URLconf of its own
(`request.urlconf`). A change of it (tests) empties the cache, as Django empties its own."""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse


def reverse_remembered(viewname, args=(), kwargs=None) -> str:
    return _reverse(
        viewname,
        tuple(args),
        tuple(sorted(kwargs.items())) if kwargs else (),
        get_script_prefix(),
    )


@functools.lru_cache(maxsize=8192)
def _reverse(viewname, args, kwargs_items, script_prefix):
    # script_prefix is part of the key only: reverse() reads it itself.
    return reverse(viewname, args=args, kwargs=dict(kwargs_items))


@receiver(setting_changed)
def _forget_on_urlconf_change(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()
