"""Rendered Markdown is sanitised: no script, no handlers, no javascript: links."""
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reachback.markdown import render

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)><circle/></svg>",
    "<iframe src=https://evil.example></iframe>",
    "<a href='javascript:alert(1)'>a</a>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<form action=https://evil.example><input name=x></form>",
    "<style>body{display:none}</style>",
    "<object data=x></object><embed src=x>",
    "<p onclick='alert(1)'>p</p>",
    "![img](javascript:alert(1))",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
]


def assert_inert(html: str) -> None:
    lower = html.lower()
    for bad in ("<script", "javascript:", "onerror", "onload", "onclick", "<iframe",
                "<svg", "<style", "<form", "<object", "<embed", "data:text"):
        assert bad not in lower, (bad, html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert(payload):
    assert_inert(str(render(payload)))


def test_ordinary_markdown_survives():
    html = str(render("## Options\n\n- **vet** recruits\n- see [guide](https://example.org/g)"))
    assert "<h2>Options</h2>" in html
    assert "<strong>vet</strong>" in html
    assert 'href="https://example.org/g"' in html


def test_links_get_noopener_nofollow():
    html = str(render("[guide](https://example.org/g)"))
    assert "noopener" in html and "nofollow" in html


class _Inspector(HTMLParser):
    """Collects what a browser would execute: dangerous tags, handlers, unsafe URLs."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "svg", "style", "form", "object", "embed", "math"}:
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc"}:
                self.problems.append(name)
            if name in {"href", "src"} and value and not value.startswith(
                    ("http://", "https://", "mailto:", "#", "/")) and ":" in value.split("/")[0]:
                self.problems.append(value)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/:;()[]! abcjsvriptonerloadhf")), max_size=80))
def test_random_markup_is_inert(text):
    inspector = _Inspector()
    inspector.feed(str(render(text)))
    assert inspector.problems == []
