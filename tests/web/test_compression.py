"""Text goes out compressed with the best coding the client takes: for pages Brotli, then
zstd, then gzip; for JSON zstd first. The decoded body is the page itself, and caches are
told that it varies."""
import gzip
import re

import brotli
import pytest
from backports import zstd

DECODE = {"br": brotli.decompress, "zstd": zstd.decompress, "gzip": gzip.decompress}


@pytest.mark.parametrize("accept, coding", [
    ("gzip, deflate, br, zstd", "br"),  # a browser over HTTPS, curl --compressed
    ("gzip, deflate, zstd", "zstd"),
    ("gzip, deflate", "gzip"),  # a browser over plain HTTP, Python's requests
    ("br;q=0.5, gzip", "gzip"),  # the client's preference wins
    ("identity", None),
    ("", None),
])
@pytest.mark.parametrize("path", ["/login", "/static/css/reachback.css"])
def test_the_client_gets_the_best_coding_it_accepts(client, path, accept, coding):
    check_coding(client, path, accept, coding)


@pytest.mark.parametrize("accept, coding", [
    ("gzip, deflate, br, zstd", "zstd"),
    ("gzip, deflate, br", "br"),
    ("gzip", "gzip"),
    ("", None),
])
def test_json_prefers_zstd(client, accept, coding):
    check_coding(client, "/api/v1/openapi.json", accept, coding)


def check_coding(client, path, accept, coding):
    with client.get(path, headers={"Accept-Encoding": ""}) as plain:
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
        page = plain.get_data()
    assert len(page) > 2000
    with client.get(path, headers={"Accept-Encoding": accept}) as response:
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == coding
        assert "Accept-Encoding" in response.headers["Vary"]
        body = response.get_data()
    if coding is None:
        assert same_page(body, page)
    else:
        assert len(body) < len(page) / 2
        assert same_page(DECODE[coding](body), page)


def same_page(one: bytes, other: bytes) -> bool:
    """Equal but for the CSRF token, which carries the second it was signed in: two renders
    either side of a second differ there only."""
    def token_masked(page):
        return re.sub(rb'(name="csrf_token"[^>]*value=")[^"]+"', rb'\1TOKEN"', page)

    return token_masked(one) == token_masked(other)
