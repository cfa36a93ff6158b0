"""EPUB 3: one article, or many as an edition, that passes EPUBCheck cleanly.

Content is the shared HTML rendering (``Renderer.article_html``) wrapped in
an XHTML document per article, styled by ``styles/epub.css``. Pictures are
read through the resource gate and packaged as ``images/<hash><ext>``; a
remote picture is never referenced from the book. What goes into the
package (metadata, accessibility metadata, navigation) is decided in
:mod:`exporter.writers.epub.package`; ebooklib writes the OPF and the NCX, and the
ZIP is written once by :func:`exporter.reproducible.write_zip` (fixed times,
``mimetype`` first and stored) so the same input gives the same bytes.

ebooklib traps handled here: ``write_epub`` swallows write errors unless
``raise_exceptions`` is set -- we do not call it: ebooklib's own writer
fills a list of entries in memory, and any exception it raises becomes a
RenderError; it stamps ``dcterms:modified`` with the clock unless ``mtime``
is given; it picks a random identifier; and it re-parses chapter HTML with
an HTML parser (our documents are passed through untouched).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, BinaryIO

from exporter.errors import RenderError, UsageError
from exporter.rendering import edition_title_text, labels
from exporter.reproducible import build_time, write_zip
from exporter.resources import load_article_images
from exporter.writers import WriteOptions, Writer
from exporter.writers.epub import package as pkg

if TYPE_CHECKING:
    from exporter.model import Article, Image
    from exporter.resources import ImageInfo

_XHTML = "application/xhtml+xml"
#: image types stored uncompressed in the ZIP (already compressed; deflating wastes time)
_STORED_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


class EpubWriter(Writer):
    name = "epub"
    suffix = ".epub"
    media_type = "application/epub+zip"
    description = "EPUB 3 e-book (EPUBCheck-clean); several inputs make an edition (--bundle)"
    requires = ("ebooklib",)
    multi_article = True
    options = ()  # no -O settings: an edition's title is the title setting

    def write(self, articles: Sequence[Article], stream: BinaryIO, options: WriteOptions) -> None:
        if not articles:
            raise UsageError("the EPUB writer needs at least one article")
        book = _Book(articles, options)
        stream.write(book.build())


class _Book:
    """One EPUB being assembled: documents, images and metadata, then bytes."""

    def __init__(self, articles: Sequence[Article], options: WriteOptions) -> None:
        self.options = options
        self.edition = len(articles) > 1
        if self.edition:
            groups = pkg.group_by_section(articles)
            self.articles = [a for _, members in groups for a in members]
        else:
            groups, self.articles = [], list(articles)
        self.languages = pkg.languages(self.articles)
        self.lang = self.languages[0]
        self.dir = pkg.book_direction(self.articles, self.lang)
        self.groups = groups
        #: href -> (media type, bytes) of every packaged picture
        self.images: dict[str, tuple[str, bytes]] = {}
        self.cover_href: str | None = None
        #: (alt text, loaded file) of every picture, for accessibility metadata
        self.pictures: list[tuple[str, ImageInfo]] = []
        #: (file name, title, bytes) of every article document, in reading order
        self.documents: list[tuple[str, str, bytes]] = []
        self.toc: dict[int, pkg.TocEntry] = {}

    # -- content --------------------------------------------------------------------

    def add_article(self, index: int, article: Article) -> None:
        loaded = load_article_images(article, self.options.gate(article))
        hrefs: dict[str, str] = {}
        for src, info in loaded.items():
            href, media_type, data = pkg.packaged_image(info)
            self.images.setdefault(href, (media_type, data))
            hrefs[src] = href
        for image in article.images():
            self.pictures.append((image.alt, loaded[image.src]))
        if self.cover_href is None and article.lead_image is not None:
            self.cover_href = hrefs[article.lead_image.src]

        def image_url(image: Image) -> str | None:
            return hrefs.get(image.src)

        prefix = f"a{index}-" if self.edition else ""
        name = f"article-{index:03d}.xhtml" if self.edition else "article.xhtml"
        fragment = self.options.renderer.article_html(article, image_url, id_prefix=prefix)
        data = pkg.xhtml_document(fragment, title=article.headline, lang=article.language,
                                  dir=article.dir, body_class="article-document",
                                  check=self.options.style.user_dir is not None)
        self.documents.append((name, article.headline, data))
        self.toc[index] = pkg.article_toc(article, name, prefix, self.lang)

    def toc_entries(self) -> list[pkg.TocEntry]:
        if not self.edition:
            return [self.toc[1]]
        entries: list[pkg.TocEntry] = []
        position = 1
        for section, members in self.groups:
            items = [self.toc[position + i] for i in range(len(members))]
            position += len(members)
            if section is None:
                entries.extend(items)
                continue
            entry = pkg.TocEntry(section, children=items)
            langs = {a.language for a in members}
            if len(langs) == 1 and members[0].language != self.lang:
                entry.lang, entry.dir = members[0].language, members[0].dir
                for item in items:  # inherited from the section now
                    item.lang = item.dir = None
            entries.append(entry)
        return entries

    def title(self) -> str:
        if not self.edition:
            return self.articles[0].headline
        return self.options.title or edition_title_text(a.headline for a in self.articles[:3])

    # -- metadata -------------------------------------------------------------------

    def metadata(self) -> list[pkg.Meta]:
        arts = self.articles
        metas = [pkg.Meta("dc:title", self.title())]
        metas += [pkg.Meta("dc:language", lang) for lang in self.languages]

        def tagged(name: str, pairs: Iterable[tuple[str | None, str]]) -> list[pkg.Meta]:
            """One element per distinct value, xml:lang when not the book's language."""
            return [pkg.Meta(name, value, {} if lang == self.lang else {"xml:lang": lang})
                    for value, lang in pkg.distinct_tagged(pairs)]

        creators = tagged("dc:creator", ((p.name, a.language) for a in arts for p in a.bylines))
        for n, creator in enumerate(creators, 1):
            creator.attrs["id"] = f"creator{n}"
            metas.append(creator)
            metas.append(pkg.Meta("role", "aut", {"refines": f"#creator{n}",
                                                  "scheme": "marc:relators"}))
        published = pkg.published_time(arts)
        if published is not None:
            metas.append(pkg.Meta("dc:date", pkg.utc_stamp(published)))
        metas += tagged("dc:subject", ((t, a.language) for a in arts for t in a.tags))
        metas += tagged("dc:rights", ((a.rights, a.language) for a in arts))
        if not self.edition:
            article = arts[0]
            if article.standfirst:
                metas.append(pkg.Meta("dc:description", article.standfirst))
            if article.url:
                metas.append(pkg.Meta("dc:source", article.url))
        animated = any(pkg.is_animated(info) for _, info in self.pictures)
        metas += pkg.accessibility_metadata(self.pictures, animated, self.lang)
        return metas

    # -- assembly -------------------------------------------------------------------

    def build(self) -> bytes:
        for index, article in enumerate(self.articles, 1):
            self.add_article(index, article)
        heading = labels(self.lang)["contents"]
        first_name, first_title, _ = self.documents[0]
        nav = pkg.nav_document(self.toc_entries(), lang=self.lang, dir=self.dir,
                               heading=heading, start_href=first_name, start_title=first_title,
                               edition_title=self.title() if self.edition else None)
        # ebooklib prints mtime with strftime and a literal "Z": give it UTC.
        modified = (pkg.modified_time(self.articles) or build_time()).astimezone(UTC)
        entries = [("mimetype", b"application/epub+zip"), *self._ebooklib_entries(nav, modified)]
        stored = ["mimetype"] + [f"EPUB/{href}" for href, (media_type, _) in self.images.items()
                                 if media_type in _STORED_TYPES]
        return write_zip(entries, build_time(modified), first=("mimetype",), stored=stored)

    def _ebooklib_entries(self, nav: bytes, modified: datetime) -> list[tuple[str, bytes]]:
        """The package files, as ebooklib writes them: ``[(zip path, bytes)]``."""
        from ebooklib import epub

        Prepared, Collector = _ebooklib_classes()
        book = epub.EpubBook()
        book.metadata = {}  # drop ebooklib's generator line and random identifier
        book.set_identifier(pkg.book_identifier(self.articles))
        book.title = self.title()
        book.language = self.lang
        if self.dir == "rtl":
            book.set_direction("rtl")
        for meta in self.metadata():
            attrs = dict(meta.attrs)
            if "xml:lang" in attrs:
                attrs["{http://www.w3.org/XML/1998/namespace}lang"] = attrs.pop("xml:lang")
            if meta.name.startswith("dc:"):
                book.add_metadata("DC", meta.name[3:], meta.value, attrs or None)
            else:
                book.add_metadata(None, "meta", meta.value, {**attrs, "property": meta.name})

        css = epub.EpubItem(uid="style", file_name=pkg.CSS_HREF, media_type="text/css",
                            content=self.options.style.read_text("epub.css").encode())
        book.add_item(css)
        for n, (href, (media_type, data)) in enumerate(self.images.items(), 1):
            item = epub.EpubImage(uid=f"img{n}", file_name=href, media_type=media_type,
                                  content=data)
            if href == self.cover_href:
                item.properties = ["cover-image"]
                book.add_metadata(None, "meta", "", {"name": "cover", "content": item.id})
            book.add_item(item)
        nav_item = Prepared(uid="nav", file_name=pkg.NAV_HREF, media_type=_XHTML, content=nav)
        nav_item.properties = ["nav"]
        book.add_item(nav_item)
        docs = []
        for n, (name, title, data) in enumerate(self.documents, 1):
            doc = Prepared(uid=f"doc{n}", file_name=name, media_type=_XHTML, content=data,
                           title=title)
            docs.append(book.add_item(doc))
        book.add_item(epub.EpubNcx())
        book.toc = [_ncx_entry(e, f"toc{i}") for i, e in enumerate(self.toc_entries(), 1)]
        # An edition opens on its contents page; a single article keeps the nav
        # out of the reading order (linear="no") but in the spine, as landmarks need.
        book.spine = ([nav_item] if self.edition else [(nav_item, "no")]) + docs

        writer = Collector("", book, {"mtime": modified, "epub3_pages": False,
                                      "epub3_landmark": False,
                                      "package_direction": self.dir == "rtl"})
        try:
            writer.process()
            writer.write()
        except Exception as exc:
            where = self.articles[0].origin if not self.edition else None
            raise RenderError(f"ebooklib could not write the EPUB: {type(exc).__name__}: {exc}",
                              source=where) from exc
        return writer.entries


@cache
def _ebooklib_classes() -> tuple[type, type]:
    """ebooklib subclasses, made on first use (ebooklib is imported only when writing)."""
    from ebooklib import epub

    class Prepared(epub.EpubHtml):
        """A finished XHTML document: ebooklib writes it as given, not re-parsed."""

        def get_content(self, default: bytes | None = None) -> bytes:
            return self.content

    class Collector(epub.EpubWriter):
        """ebooklib's writer with its ZIP replaced by a list of entries.

        ``write_epub`` would zip everything (with the clock's times), catch
        OSError and return False; here nothing is caught and the one ZIP is
        written by :func:`write_zip`. ``self.out`` only needs ``writestr``.
        The OPF root also gets the book's ``xml:lang`` (see ``_write_opf_file``).
        """

        def write(self) -> None:
            self.entries: list[tuple[str, bytes]] = []
            self.out = self
            self._write_container()
            self._write_opf()
            self._write_items()

        def _write_opf_file(self, root: Any) -> None:
            """The OPF with ``xml:lang`` on ``<package>``, which ebooklib never writes.

            Without it the package's own text (title, creators...) has no
            declared language: DAISY Ace's rule ``epub-lang`` (impact serious)
            fails the book, and screen readers guess the pronunciation.
            """
            root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
            super()._write_opf_file(root)

        def writestr(self, name: str, data: str | bytes, *args: Any, **kwargs: Any) -> None:
            self.entries.append((name, data.encode("utf-8") if isinstance(data, str) else data))

    return Prepared, Collector


def _ncx_entry(entry: pkg.TocEntry, uid: str) -> Any:
    """The ebooklib TOC node (for the EPUB 2 NCX) of one :class:`TocEntry`."""
    from ebooklib import epub

    if entry.href:
        head = epub.Link(entry.href, entry.title, uid)
    else:  # a section heading: the NCX needs a target, its first article
        first = entry
        while not first.href and first.children:
            first = first.children[0]
        head = epub.Section(entry.title, first.href)
    if not entry.children:
        return head
    return (head, [_ncx_entry(c, f"{uid}-{i}") for i, c in enumerate(entry.children, 1)])

