"""Standalone HTML: one self-contained page (images inlined), handy for previews."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO

from exporter.resources import load_article_images
from exporter.writers import WriteOptions, Writer

if TYPE_CHECKING:
    from exporter.model import Article, Image


class HtmlWriter(Writer):
    name = "html"
    suffix = ".html"
    media_type = "text/html"
    description = "standalone HTML page (images inlined; no external requests)"
    options = ()

    def write(self, articles: Sequence[Article], stream: BinaryIO, options: WriteOptions) -> None:
        (article,) = articles
        images = load_article_images(article, options.gate(article))

        def data_uri(image: Image) -> str:
            info = images[image.src]
            payload = base64.b64encode(info.resource.data).decode("ascii")
            return f"data:{info.media_type};base64,{payload}"

        css = options.style.read_text("html.css")
        page = options.renderer.page_html(article, data_uri, css=css)
        stream.write(page.encode("utf-8"))
