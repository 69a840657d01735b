"""What a review link's opening log says about who opened it: the kind of browser, no more.

Only a coarse family is kept ("Firefox", "Safari on a phone", "Link preview"), never the full
user-agent string and never the reader's address. The family tells an editor whether a person
opened the link or a chat app or mail scanner fetched it to show a preview.
"""

# Checked in order: link previews and crawlers first (many claim to be a browser too), then
# browsers whose user agent also names the ones they are built on (Edge and Opera say Chrome,
# Chrome says Safari).
_PREVIEWS = (
    "bot",
    "crawler",
    "spider",
    "preview",
    "facebookexternalhit",
    "whatsapp",
    "slack",
    "skypeuripreview",
    "microsoft office",
    "outlook",
    "curl",
    "wget",
    "python",
)
_BROWSERS = (
    ("edg", "Edge"),
    ("opr/", "Opera"),
    ("samsungbrowser", "Samsung Internet"),
    ("firefox", "Firefox"),
    ("fxios", "Firefox"),
    ("crios", "Chrome"),
    ("chrome", "Chrome"),
    ("safari", "Safari"),
)
LINK_PREVIEW = "Link preview or bot"
UNKNOWN = "Other"


def browser_family(user_agent: str) -> str:
    """The kind of browser a User-Agent header names, coarse enough to identify no one."""
    agent = (user_agent or "").lower()
    if not agent:
        return UNKNOWN
    if any(marker in agent for marker in _PREVIEWS):
        return LINK_PREVIEW
    family = next((name for marker, name in _BROWSERS if marker in agent), UNKNOWN)
    if family != UNKNOWN and ("mobi" in agent or "iphone" in agent or "android" in agent):
        return f"{family} on a phone"
    return family
