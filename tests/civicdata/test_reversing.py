import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from civicdata.reversing import reverse_remembered


@pytest.mark.parametrize(
    ("viewname", "args", "kwargs"),
    [
        ("essays:essay_list", (), None),
        ("essays:essay_list_page", (3,), None),
        ("essays:essay_detail", (), {"slug": "a-slug"}),
        ("portfolio:casestudy_detail", (), {"slug": "another"}),
    ],
)
def test_a_remembered_address_is_what_reverse_gives(viewname, args, kwargs):
    for _ in range(2):
        assert reverse_remembered(viewname, args, kwargs) == reverse(
            viewname, args=args or None, kwargs=kwargs
        )


def test_an_address_follows_the_script_prefix_the_site_is_served_under():
    assert reverse_remembered("essays:essay_detail", kwargs={"slug": "x"}) == "/essays/x/"
    set_script_prefix("/civic/")
    try:
        assert reverse_remembered("essays:essay_detail", kwargs={"slug": "x"}) == (
            "/civic/essays/x/"
        )
    finally:
        clear_script_prefix()
    assert reverse_remembered("essays:essay_detail", kwargs={"slug": "x"}) == "/essays/x/"


def test_another_urlconf_gives_its_own_addresses(settings):
    assert reverse_remembered("essays:essay_list") == "/essays/"
    settings.ROOT_URLCONF = "tests.civicdata.moved_urls"
    assert reverse_remembered("essays:essay_list") == "/moved/essays/"
