import pytest

from reviews.user_agents import LINK_PREVIEW, UNKNOWN, browser_family

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
EDGE = CHROME + " Edg/126.0.0.0"
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
SLACK = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
OUTLOOK_PREVIEW = "Mozilla/5.0 (Windows NT 10.0) Microsoft Office/16.0 (Microsoft Outlook 16.0)"


@pytest.mark.parametrize(
    ("user_agent", "family"),
    [
        (FIREFOX, "Firefox"),
        (CHROME, "Chrome"),
        (EDGE, "Edge"),
        (IPHONE_SAFARI, "Safari on a phone"),
        (SLACK, LINK_PREVIEW),
        (OUTLOOK_PREVIEW, LINK_PREVIEW),
        ("", UNKNOWN),
        (None, UNKNOWN),
        ("SomethingNobodyKnows/1.0", UNKNOWN),
    ],
)
def test_the_log_names_only_a_coarse_browser_family(user_agent, family):
    assert browser_family(user_agent) == family


def test_a_family_never_carries_version_numbers_or_the_system():
    assert browser_family(CHROME) == "Chrome"
    assert not any(char.isdigit() for char in browser_family(IPHONE_SAFARI))
