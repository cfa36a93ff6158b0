"""exporter verify: honest exports pass, outputs altered after export fail naming format and field.

The fixtures are exported once per module (all formats); each tampering test
copies that folder, alters one output the way an editor or a broken pipeline
might, and runs the real CLI. EPUBCheck runs in one JVM for the whole module.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ARTICLE_DIRS, fixture_path

from exporter import load
from exporter.api import export
from exporter.cli import run
from exporter.verify import FIELDS, epubcheck_session, verify
from exporter.verify.compare import norm, pdf_contains, pdf_flat, pdf_has_word, pdf_text
from exporter.verify.epubcheck import process_runner, unavailable
from exporter.verify.pdf import rtl_skeleton
from exporter.writers import WriteOptions

FORMATS = ["pdf", "docx", "epub", "rss", "html"]
BASE_URL = "https://news.example.org/media-root/"


@pytest.fixture(scope="module")
def articles():
    return {name: load(fixture_path(name)) for name in ARTICLE_DIRS}


@pytest.fixture(scope="module")
def epubcheck_jvm():
    """One EPUBCheck JVM for the module (and the property tests: the runner is per process).

    It warms up (loads its schemas) in the background while the fixtures are exported.
    """
    runner = process_runner()
    runner.warm_up()
    with epubcheck_session(runner):
        yield runner


@pytest.fixture(scope="module")
def exported(tmp_path_factory, articles, epubcheck_jvm) -> Path:
    """Every fixture in every format, as `exporter export` writes them."""
    out = tmp_path_factory.mktemp("dist")
    for article in articles.values():
        export(article, FORMATS, out)
    return out


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "dist"
    shutil.copytree(src, dst)
    return dst


def _rewrite_zip(path: Path, member: str, edit) -> None:
    """Rewrite one member of a ZIP (DOCX, EPUB), keeping order and compression of the rest."""
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in items:
            if info.filename == member:
                new = edit(data.decode("utf-8")).encode("utf-8")
                assert new != data, f"the edit did not change {member}"
                data = new
            z.writestr(info, data)


def _verify_cli(capsys, *args: str) -> tuple[int, str]:
    code = run(["verify", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# --- honest exports --------------------------------------------------------------------


def test_honest_exports_pass_every_check(exported, articles, epubcheck_jvm):
    report = verify(list(articles.values()), exported, FORMATS)
    problems = [f"{a.id} {c.format} {c.field}: {c.reason}" for a, c in report.failures]
    assert report.ok, "\n".join(problems)
    assert not problems
    by_field = {(a.id, c.format, c.field): c for a in report.articles for c in a.checks}
    tram = articles["tram-line"].id
    # the tram-line fixture has every field but a second correction
    for fmt in FORMATS:
        for field in FIELDS:
            want = ("na",) if field == "corrections order" else ("pass", "not_run")
            assert by_field[(tram, fmt, field)].status in want, (fmt, field)
    if unavailable() is None:
        for a in report.articles:
            check = a.get("epub", "validator")
            assert check.status == "pass" and "EPUBCheck" in check.reason


def test_cli_exit_0_and_table(exported, capsys, epubcheck_jvm):
    inputs = [str(fixture_path(name)) for name in ARTICLE_DIRS]
    code, out = _verify_cli(capsys, *inputs, "-o", str(exported))
    assert code == 0, out
    assert "verify OK: 3 articles × 5 formats" in out
    header = next(line for line in out.splitlines() if line.strip().startswith("field"))
    assert header.split() == ["field", *FORMATS]
    for field in FIELDS:
        assert re.search(rf"^\s+{re.escape(field)}\s+[✓–○]", out, re.M), field
    assert "✗" not in out


def test_json_shape(exported, capsys):
    code, out = _verify_cli(capsys, str(fixture_path("tram-line")), "-o", str(exported),
                            "--format", "pdf,rss", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"version", "ok", "summary", "formats", "fields", "counts", "articles",
                         "errors", "not_checked"}
    assert data["version"] == 2 and data["not_checked"] == {}
    assert data["ok"] is True and data["formats"] == ["pdf", "rss"]
    assert data["fields"] == list(FIELDS)
    # 13 fields; tram-line has one correction, so "corrections order" does not apply
    assert data["counts"] == {"pass": 24, "fail": 0, "na": 2, "not_run": 0, "not_checked": 0}
    (entry,) = data["articles"]
    assert entry["id"] == "riverside-tram-line-approved" and entry["ok"] is True
    assert set(entry["files"]) == {"pdf", "rss"}
    assert len(entry["checks"]) == 2 * len(FIELDS)
    for check in entry["checks"]:
        assert set(check) >= {"format", "field", "status", "reason"}
        assert check["status"] in ("pass", "fail", "na", "not_run", "not_checked")


def test_export_verify_flag(tmp_path, capsys):
    code = run(["export", str(fixture_path("deconflict")), "-f", "docx,rss,html", "-o",
                str(tmp_path), "--verify", "-j", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "verify OK: 1 article × 3 formats (docx, rss, html)" in out


def test_media_rss_is_required_with_a_base_url(tmp_path, articles):
    article = articles["tram-line"]
    export(article, ["rss"], tmp_path, WriteOptions(base_url=BASE_URL))
    report = verify(article, tmp_path, ["rss"], base_url=BASE_URL)
    assert report.ok, report.summary()
    assert report.articles[0].get("rss", "lead image").status == "pass"
    # the same file without media:content: fine only if no base URL was used
    rss = tmp_path / f"{article.id}.rss"
    text = rss.read_text(encoding="utf-8")
    stripped = re.sub(r"<media:content\b.*?(/>|</media:content>)", "", text, flags=re.S)
    stripped = re.sub(r"<enclosure\b[^>]*/>", "", stripped)
    rss.write_text(stripped, encoding="utf-8")
    failed = verify(article, tmp_path, ["rss"], base_url=BASE_URL)
    check = failed.articles[0].get("rss", "lead image")
    assert check.status == "fail" and "media:content" in check.reason


# --- outputs altered after export ----------------------------------------------------------


def test_credit_changed_inside_docx(exported, tmp_path, capsys, articles):
    out = _copy(exported, tmp_path)
    article = articles["tram-line"]
    credit = article.lead_image.credit
    _rewrite_zip(out / f"{article.id}.docx", "word/document.xml",
                 lambda xml: xml.replace(credit, "Somebody Else/Other Agency"))
    code, text = _verify_cli(capsys, str(fixture_path("tram-line")), "-o", str(out))
    assert code == 1
    assert "✗ docx caption + credit: lead_image: caption is" in text
    assert "(Somebody Else" in text
    assert "verify FAILED" in text and "riverside-tram-line-approved docx caption + credit" in text
    # the other formats are untouched and still pass
    report = verify(article, out, ["pdf", "epub", "rss"], epubcheck=False)
    assert report.ok


def test_headline_changed_inside_epub(exported, tmp_path, capsys, articles):
    out = _copy(exported, tmp_path)
    article = articles["deconflict"]
    book = out / f"{article.id}.epub"
    with zipfile.ZipFile(book) as z:
        content = next(n for n in z.namelist() if n.endswith(".xhtml")
                       and b"<h1" in z.read(n))
    _rewrite_zip(book, content, lambda x: re.sub(r"(<h1[^>]*>)[^<]*", r"\1US and Russia agree",
                                                 x, count=1))
    code, text = _verify_cli(capsys, str(fixture_path("deconflict")), "-o", str(out),
                             "--format", "epub", "--no-epubcheck", "--json")
    assert code == 1
    data = json.loads(text)
    failed = [(c["format"], c["field"], c["reason"]) for c in data["articles"][0]["checks"]
              if c["status"] == "fail"]
    assert failed == [("epub", "headline", "h1 is 'US and Russia agree'")]


def test_media_credit_dropped_from_rss(exported, tmp_path, capsys, articles):
    out = _copy(exported, tmp_path)
    article = articles["rtl-arabic"]
    rss = out / f"{article.id}.rss"
    text = rss.read_text(encoding="utf-8")
    dropped = re.sub(r"\s*<media:credit\b[^>]*>.*?</media:credit>", "", text, flags=re.S)
    assert dropped != text
    rss.write_text(dropped, encoding="utf-8")
    code, shown = _verify_cli(capsys, str(fixture_path("rtl-arabic")), "-o", str(out),
                              "--format", "rss")
    assert code == 1
    assert "✗ rss caption + credit: no media:credit" in shown


def test_pdf_title_metadata_changed(exported, tmp_path, articles):
    import pypdf

    out = _copy(exported, tmp_path)
    article = articles["tram-line"]
    path = out / f"{article.id}.pdf"
    writer = pypdf.PdfWriter(clone_from=str(path))
    writer.add_metadata({"/Title": "Another story"})
    with path.open("wb") as f:
        writer.write(f)
    report = verify(article, out, ["pdf"])
    check = report.articles[0].get("pdf", "headline")
    assert check.status == "fail" and check.reason == "/Title is 'Another story'"


def test_deleted_pdf_is_a_missing_file(exported, tmp_path, capsys, articles):
    out = _copy(exported, tmp_path)
    article = articles["tram-line"]
    (out / f"{article.id}.pdf").unlink()
    code, text = _verify_cli(capsys, str(fixture_path("tram-line")), "-o", str(out),
                             "--no-epubcheck")
    assert code == 1
    assert "Traceback" not in text
    assert "✗ pdf headline: missing file" in text
    assert "riverside-tram-line-approved pdf headline" in text
    report = verify(article, out, FORMATS, epubcheck=False)
    assert {c.format for _, c in report.failures} == {"pdf"}


def test_unreadable_output_is_reported(tmp_path, articles):
    article = articles["deconflict"]
    for fmt in FORMATS:
        (tmp_path / f"{article.id}.{fmt}").write_bytes(b"not really")
    report = verify(article, tmp_path, FORMATS, epubcheck=False)
    for fmt in FORMATS:
        check = report.articles[0].get(fmt, "headline")
        assert check.status == "fail" and check.reason.startswith("unreadable"), (fmt, check)


def test_epubcheck_not_run_is_not_a_pass(exported, articles, monkeypatch, capsys):
    article = articles["deconflict"]
    monkeypatch.setenv("PATH", "/nonexistent")
    report = verify(article, exported, ["epub"])
    check = report.articles[0].get("epub", "validator")
    assert check.status == "not_run"
    assert check.reason == "not run: EPUBCheck: no Java runtime (install default-jre-headless)"
    code, text = _verify_cli(capsys, str(fixture_path("deconflict")), "-o", str(exported),
                             "-f", "epub")
    assert code == 0 and "○ epub validator: not run: EPUBCheck: no Java runtime" in text
    code, _ = _verify_cli(capsys, str(fixture_path("deconflict")), "-o", str(exported),
                          "-f", "epub", "--strict")
    assert code == 1


def test_unknown_format_is_a_usage_error(exported, capsys):
    code, text = _verify_cli(capsys, str(fixture_path("deconflict")), "-o", str(exported),
                             "-f", "odt")
    assert code == 2
    assert "unknown format 'odt'; known formats: docx, epub, html, ninjs, pdf" in text, text


def test_pdf_text_without_pdftotext(exported, articles, monkeypatch):
    """pypdf is the fallback extractor; it still finds the contract fields."""
    monkeypatch.setattr("shutil.which", lambda name: None)
    report = verify(articles["tram-line"], exported, ["pdf"])
    assert report.articles[0].get("pdf", "validator").reason.endswith("text by pypdf")
    assert report.articles[0].get("pdf", "headline").status == "pass"


def test_verify_is_callable_from_the_package(exported, articles):
    import exporter

    report = exporter.verify(articles["deconflict"], exported, "rss")
    assert report.ok and report.formats == ["rss"]


# --- the comparison rules ----------------------------------------------------------------


def test_normalisation_rules():
    assert norm("Cafe\u0301") == "Café"                            # NFC
    assert norm("ex\u00adport") == "export"                         # soft hyphen
    assert norm("\u202bعمّان\u202c \u200fx\u2066y\u2069") == "عمّان xy"  # bidi marks
    assert norm("  a \n\t b  ") == "a b"                            # white space
    assert norm("“quoted”") != norm('"quoted"')                     # anything else differs
    assert norm("Headline") != norm("HEADLINE")


def test_pdf_line_ends_undone():
    text = pdf_text("the coali-\ntion led by the US-\nled forces; three\u2010\nyear and a-\n"
                    "  b\n漢字\nかな — and/\nor")
    assert pdf_contains(text, "the coalition led by the US-led forces; three-year and a- b")
    assert pdf_contains(text, "漢字かな")           # CJK lines break without a space
    assert pdf_contains(text, "and/or")
    assert pdf_contains(pdf_text("地地你(的子"), "地地你 (的子")  # space by a CJK character
    assert not pdf_contains(pdf_text("ab(cd"), "ab (cd")        # ... but not by Latin
    assert not pdf_contains(text, "the coalitions led")
    assert not pdf_contains(pdf_text("the US-led forces"), "the USled forces")  # mid-line
    flat = pdf_flat(text)
    assert all(pdf_has_word(flat, w) for w in ("coalition", "US-led", "three-year", "漢字かな"))
    assert not pdf_has_word(flat, "coalitions")


def test_rtl_skeleton_survives_extraction_artifacts():
    # what pdftotext gives for the Arabic fixture: split tanween, inserted space,
    # reversed lam-alef and lam-yeh ligatures
    assert rtl_skeleton("مجان ًا طو يلة االفتتاح ليىل") == rtl_skeleton("مجانًا طويلة الافتتاح ليلى")
    # a stacked ligature extracted with a letter twice (Amiri)
    assert rtl_skeleton("آشححتزث") == rtl_skeleton("آشحتزث")
    assert rtl_skeleton("ءللآ") == rtl_skeleton("ءلآل")  # lams around an alef, any order
    assert rtl_skeleton("عيادة") != rtl_skeleton("عبادة")


def test_mixed_direction_word_is_compared_run_by_run():
    from exporter.verify.pdf import PdfText, direction_runs

    assert direction_runs("ИчхапأحثخAB") == ["Ичхап", "أحثخ", "AB"]
    # display order puts the Latin run after the Arabic one
    text = PdfText(["كلمة أحثخ Ичхап أخرى"], "test")
    assert text.has_word("Ичхапأحثخ")
    assert not text.has_word("Ичхапأحثد")
    # neutral runs (emoji, digits and punctuation) take the direction around them
    text = PdfText(["إكخ 📰📰😀✨ ... عام .1932"], "test")
    assert text.has_word("✨😀📰📰") and text.has_word("1932.")
    assert not text.has_word("1942.")


def test_rtl_word_broken_across_columns_is_found():
    """Two right-to-left columns: the pieces of a word broken across lines come out apart."""
    from exporter.verify.pdf import PdfText

    text = PdfText(["أءستطزجة سذةقيى\nسطر آخر من العمود الثاني\nذيشإلجم كلمة\nختام"], "test")
    assert text.has_word("سذةقيىذيشلإجم")        # end of line 1 + start of line 3
    assert not text.has_word("سذةقيىكلمة")       # not a line end + a line start
    assert not text.has_word("أءستطزجةذيشلإجم")  # line 1 starts with the first piece


def test_body_text_repeating_the_header_is_found_in_the_body(tmp_path):
    """A body heading equal to the headline is not mistaken for the h1 / Title (found by
    the property tests)."""
    from exporter.model import Article

    article = Article.from_data({
        "headline": "Same text", "standfirst": "Para", "language": "ar",
        "published": "2026-01-05T09:30:00+00:00",
        "body": [{"type": "heading", "level": 2, "content": "Same text"},
                 {"type": "paragraph", "content": "Para"}]}, source=tmp_path / "a.json")
    export(article, ["docx", "epub", "rss"], tmp_path)
    report = verify(article, tmp_path, ["docx", "epub", "rss"], epubcheck=False)
    assert report.ok, report.summary()


def test_quote_repeating_a_list_item_is_matched_to_the_quote(tmp_path):
    """Found by the property tests: the attribution was looked for under the list item."""
    from exporter.model import Article

    article = Article.from_data({
        "headline": "Repeats", "published": "2026-01-05T09:30:00+00:00",
        "body": [{"type": "list", "items": ["Same words", "Other"]},
                 {"type": "quote", "content": "Same words", "attribution": "A. Person"},
                 {"type": "paragraph", "content": "Other"}]}, source=tmp_path / "a.json")
    export(article, ["docx", "epub", "rss"], tmp_path)
    report = verify(article, tmp_path, ["docx", "epub", "rss"], epubcheck=False)
    assert report.ok, report.summary()


# --- checkers per format; the date line and the corrections order ----------------------------

CORRECTED = {  # three corrections given oldest, newest, middle: shown newest first
    "headline": "Bridge reopens after repairs",
    "published": "2026-03-02T18:30:00+01:00",
    "updated": "2026-03-05T09:00:00+00:00",
    "body": [{"type": "paragraph", "content": "The bridge reopened on Monday."}],
    "corrections": [
        {"date": "2026-03-03T08:15:00+01:00", "text": "The span is 140 m, not 410 m."},
        {"date": "2026-03-05", "text": "The engineer is Anna Roth."},
        {"date": "2026-03-04T12:00:00+00:00", "text": "Repairs cost 2 million euros."},
    ],
}


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corrected")
    src = folder / "bridge.json"
    src.write_text(json.dumps(CORRECTED), encoding="utf-8")
    article = load(src)
    out = folder / "dist"
    export(article, ["pdf", "docx", "epub", "rss", "html"], out)
    return article, out


def test_corrections_order_and_date_line_pass_when_honest(corrected):
    article, out = corrected
    report = verify(article, out, ["pdf", "docx", "epub", "rss", "html"], epubcheck=False)
    entry = report.articles[0]
    for fmt in ("pdf", "docx", "epub", "rss", "html"):
        for field in ("date line", "corrections", "corrections order"):
            check = entry.get(fmt, field)
            assert check.status == "pass", (fmt, field, check.reason)


def _swap_first_two_corrections(markup: str) -> str:
    """Print the corrections in another order: the two newest change places."""
    found = re.findall(r'<p class="correction">.*?</p>', markup, re.S)
    assert len(found) == 3, found
    first, second = found[0], found[1]
    return markup.replace(first, "\x00").replace(second, first).replace("\x00", second)


def test_html_corrections_oldest_first_fail(corrected, tmp_path):
    article, out = corrected
    dist = _copy(out, tmp_path)
    page = dist / f"{article.id}.html"
    page.write_text(_swap_first_two_corrections(page.read_text(encoding="utf-8")),
                    encoding="utf-8")
    check = verify(article, dist, ["html"]).articles[0].get("html", "corrections order")
    assert check.status == "fail"
    assert check.reason == ("corrections not newest first: corrections[2] 'Repairs cost 2 "
                            "million euros.' is shown before corrections[1]")


def test_epub_corrections_swapped_fail(corrected, tmp_path):
    article, out = corrected
    dist = _copy(out, tmp_path)
    book = dist / f"{article.id}.epub"
    with zipfile.ZipFile(book) as z:
        chapter = next(n for n in z.namelist()
                       if n.endswith(".xhtml") and b'class="correction"' in z.read(n))
    _rewrite_zip(book, chapter, _swap_first_two_corrections)
    report = verify(article, dist, ["epub"], epubcheck=False)
    assert report.articles[0].get("epub", "corrections order").status == "fail"
    assert report.articles[0].get("epub", "corrections").status == "pass"


def test_date_line_reworded_fails(corrected, tmp_path):
    article, out = corrected
    dist = _copy(out, tmp_path)
    page = dist / f"{article.id}.html"
    text = page.read_text(encoding="utf-8")
    assert "Updated 5 March 2026, 09:00 GMT" in text
    page.write_text(text.replace("5 March 2026, 09:00 GMT", "5 Mar 2026, 09:00 GMT"),
                    encoding="utf-8")
    check = verify(article, dist, ["html"]).articles[0].get("html", "date line")
    assert check.status == "fail"
    assert check.reason == "updated 'Updated 5 March 2026, 09:00 GMT' not found"


def test_format_without_checker_is_not_checked(corrected, capsys):
    article, out = corrected
    export(article, ["ninjs"], out)
    report = verify(article, out, ["html", "ninjs"])
    assert report.ok
    assert set(report.not_checked) == {"ninjs"}
    statuses = {c.status for c in report.articles[0].checks if c.format == "ninjs"}
    assert statuses == {"not_checked"}
    assert "not checked: ninjs (no checker)" in report.summary()
    data = report.to_dict()
    assert data["not_checked"]["ninjs"].startswith("no checker is registered for format 'ninjs'")
    assert data["counts"]["not_checked"] == len(FIELDS)


def test_plugin_format_can_declare_a_checker(corrected):
    from exporter.verify.checkers import get_checkers, reset_checkers
    from exporter.verify.result import PASS, Check

    article, out = corrected
    export(article, ["ninjs"], out)
    seen = []

    def ninjs_checker(art, path, options):
        text = path.read_text(encoding="utf-8")
        seen.append(path.name)
        return [Check("ninjs", "headline", PASS if art.headline in text else "fail")]

    try:
        registry = get_checkers()
        with pytest.raises(ValueError, match="already registered"):
            registry.add("html", ninjs_checker)
        registry.add("ninjs", ninjs_checker)
        report = verify(article, out, "ninjs")
        assert report.not_checked == {} and report.ok
        assert seen == [f"{article.id}.ninjs"]
        assert report.articles[0].get("ninjs", "headline").status == "pass"
    finally:
        reset_checkers()


def test_unknown_checker_name_lists_the_known_ones():
    from exporter.errors import UnknownNameError
    from exporter.verify.checkers import get_checkers

    with pytest.raises(UnknownNameError, match="known checkers: docx, epub, html, pdf, rss"):
        get_checkers().checker("odt")
