"""IPTC ninjs: the writer (validated against the official 2.1 schema) and the reader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from exporter import load
from exporter.api import write_one
from exporter.cli import run
from exporter.readers.ninjs import NinjsReader
from exporter.registry import get_registry
from exporter.writers import WriteOptions
from exporter.writers.ninjs import to_ninjs

from .conftest import FIXTURES, fixture_path

SCHEMA_FILE = Path(__file__).parents[1] / "exporter" / "schemas" / "ninjs-schema_2.1.json"
READERS = FIXTURES / "readers"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(validator, doc) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, errors


def write_ninjs(article, tmp_path: Path, options: WriteOptions | None = None) -> Path:
    target = tmp_path / f"{article.id}.ninjs"
    write_one([article], "ninjs", target, options)
    return target


def test_round_trip_gives_back_an_equal_article(fixture_name, tmp_path, validator):
    """ninjs export then import: the same article, field for field."""
    folder = tmp_path / fixture_name
    shutil.copytree(fixture_path(fixture_name).parent, folder)
    original = load(folder / "article.json")
    target = write_ninjs(original, folder)
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert_valid(validator, doc)
    back = load(target)
    assert back.to_dict() == original.to_dict()
    assert back.with_origin(None) == original.with_origin(None)


def test_tram_line_maps_to_real_ninjs_fields(validator):
    article = load(fixture_path("tram-line"))
    doc = to_ninjs(article)
    assert_valid(validator, doc)
    assert doc["uri"] == "https://news.example.org/city/riverside-tram-line-approved"
    assert doc["standard"] == {"name": "ninjs", "version": "2.1",
                               "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"}
    assert doc["type"] == "text" and doc["slugline"] == "riverside-tram-line-approved"
    assert doc["headlines"] == [{"role": "main", "contenttype": "text/plain",
                                 "value": article.headline}]
    assert doc["descriptions"][0]["role"] == "standfirst"
    assert doc["descriptions"][0]["value"] == article.standfirst
    assert doc["by"] == ("Marta Okonkwo-Silva, Transport correspondent · "
                         "Declan Ó Briain, City hall reporter")
    assert doc["located"] == "Lisbourne" and doc["language"] == "en"
    assert doc["firstcreated"] == "2026-03-02T18:30:00+01:00"
    assert doc["versioncreated"] == "2026-03-03T08:15:00+01:00"
    assert doc["copyrightnotice"] == "© 2026 Example News Ltd"
    assert doc["copyrightholder"] == "Example News Ltd"
    assert {"name": "City", "rel": "section"} in doc["subjects"]
    assert [s["name"] for s in doc["subjects"] if "rel" not in s] == list(article.tags)
    assert doc["renditions"] == [{"name": "web", "href": article.url,
                                  "contenttype": "text/html"}]
    (lead,) = doc["associations"]
    assert lead["name"] == "leadimage" and lead["type"] == "picture"
    assert lead["by"] == "Ana Ribeiro/Example News"
    roles = {d["role"]: d["value"] for d in lead["descriptions"]}
    assert roles == {"caption": article.lead_image.caption, "alt": article.lead_image.alt}
    (body,) = doc["bodies"]
    assert body["contenttype"] == "text/html"
    html = body["value"]
    # What ninjs has no property for travels in the body markup.
    assert '<span class="kicker">Transport</span>' in html
    assert '<cite itemprop="name">Ines Carvalho</cite>' in html and "leader of the council" in html
    assert 'class="correction"' in html


def test_base_url_makes_picture_renditions_absolute(validator):
    article = load(fixture_path("tram-line"))
    doc = to_ninjs(article, WriteOptions(base_url="https://cdn.example.org/tram/"))
    assert_valid(validator, doc)
    rendition = doc["associations"][0]["renditions"][0]
    assert rendition == {
        "name": "original", "contenttype": "image/jpeg", "width": 1200, "height": 800,
        "href": "https://cdn.example.org/tram/media/riverside-tram-line-approved-"
                "5f083f4dbd8f877a.jpg"}
    assert ('src="https://cdn.example.org/tram/media/riverside-tram-line-approved-'
            '243476d1f80b57d3.png"') in doc["bodies"][0]["value"]


def test_every_picture_url_names_a_file_the_export_wrote_the_same_as_rss(tmp_path):
    """ninjs and RSS exported together: each picture URL in the ninjs document
    is a file in the output folder, with the picture's bytes, and the RSS item
    names the same files (issue 16: ninjs pointed at base/tram.jpg, never written)."""
    import hashlib
    import re

    from lxml import etree

    base = "https://cdn.example.org/tram/"
    out = tmp_path / "out"
    code = run(["export", str(fixture_path("tram-line")), "-f", "ninjs", "-f", "rss",
                "--base-url", base, "-o", str(out), "-q"])
    assert code == 0
    doc = json.loads((out / "riverside-tram-line-approved.ninjs").read_text(encoding="utf-8"))
    rendition = doc["associations"][0]["renditions"][0]
    body_urls = re.findall(r'src="([^"]+)"', doc["bodies"][0]["value"])
    urls = [rendition["href"], *body_urls]
    assert len(set(urls)) == 2 and all(u.startswith(base + "media/") for u in urls)
    originals = {hashlib.sha256((fixture_path("tram-line").parent / name).read_bytes())
                 .hexdigest() for name in ("tram.jpg", "route-map.png")}
    written = {hashlib.sha256((out / u[len(base):]).read_bytes()).hexdigest() for u in urls}
    assert written == originals
    assert (rendition["width"], rendition["height"]) == (1200, 800)  # file(1): 1200x800
    rss = etree.parse(str(out / "riverside-tram-line-approved.rss"))
    media = rss.xpath("//m:content/@url", namespaces={"m": "http://search.yahoo.com/mrss/"})
    assert media == [rendition["href"]]


def test_embargo_and_no_url_round_trip(tmp_path, validator):
    data = json.loads(fixture_path("deconflict").read_text(encoding="utf-8"))
    data["embargo"] = "2015-10-20T06:00:00-04:00"
    data["kicker"] = "Exclusive"
    data["corrections"] = [{"date": "2015-10-21", "text": "A date was wrong."}]
    from exporter.model import Article

    # its folder: ninjs reads the lead picture through the gate, as every format does
    article = Article.from_data(data, source=fixture_path("deconflict"))
    doc = to_ninjs(article)
    assert_valid(validator, doc)
    assert doc["embargoed"] == "2015-10-20T06:00:00-04:00"
    assert doc["uri"].startswith("urn:uuid:")
    path = tmp_path / "x.ninjs"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert load(path).to_dict() == article.to_dict()


def test_third_party_ninjs_2x_item(caplog):
    a = load(READERS / "agency-harbour.ninjs")
    assert a.id == "harbour-strike-ends"
    assert a.headline == "Lisbon dock strike ends after pay deal"
    assert a.standfirst == ("Stevedores accept a 6 percent rise and a night-shift premium after "
                            "three days on strike")
    assert [(p.name, p.role) for p in a.bylines] == [("Ana Costa", "Example Wire")]
    assert a.published.isoformat() == "2026-03-11T09:12:00+01:00" and a.updated is None
    assert a.dateline == "Lisbon" and a.rights == "Example Wire"
    assert a.tags == ("Labour dispute", "Ports")
    lead = a.lead_image
    assert lead.src == "https://wire.example.org/media/image/rk28sfq/hires.jpg"  # largest
    assert (lead.width, lead.height) == (4724, 3149)
    assert lead.caption.startswith("Stevedores leave the union hall")
    assert lead.credit == "Rui Duarte/Example Wire"
    assert [b.type for b in a.body] == ["paragraph", "paragraph", "quote", "paragraph"]
    quote = a.body[2]
    assert (quote.attribution.name, quote.attribution.role) == ("Helena Matos", "union leader")
    assert "track()" not in a.to_json()


def test_legacy_ninjs_1x_in_a_json_file_is_routed_to_the_ninjs_reader():
    path = READERS / "legacy-ninjs-1x.json"
    assert get_registry().reader_for(path, path.read_bytes()).name == "ninjs"
    a = load(path)
    assert a.headline == "Swing bridge reopening moved to June"
    assert a.standfirst == "Tests found the new bearings need another month to settle"
    assert [p.name for p in a.bylines] == ["Joana Silva"]
    assert a.published.isoformat() == "2026-03-12T06:00:00+00:00"
    assert a.updated.isoformat() == "2026-03-12T08:30:00+00:00"
    assert a.tags == ("Bridges", "Mill Cut", "Heritage")
    assert a.lead_image.src == "https://wire.example.org/img/bridge.jpg"
    assert a.lead_image.credit == "Rui Duarte"
    assert len(a.body) == 2


def test_sniff_tells_ninjs_from_canonical_json():
    canonical = fixture_path("tram-line").read_bytes()
    assert not NinjsReader.sniff(canonical)
    assert get_registry().reader_for(fixture_path("tram-line"), canonical).name == "json"
    assert NinjsReader.sniff((READERS / "agency-harbour.ninjs").read_bytes())
    assert not NinjsReader.sniff(b'{"uri": "x", "headline": "h", "body": []}')
    assert not NinjsReader.sniff(b"not json {")


def test_cli_parse_and_export_accept_every_new_input(tmp_path, capsys):
    work = tmp_path / "in"
    work.mkdir()
    shutil.copy(fixture_path("deconflict", "seed.txt"), work / "seed.txt")
    shutil.copy(fixture_path("deconflict", "lead.jpg"), work / "seed.jpg")
    for name in ("saved-page-clinic.html", "agency-harbour.ninjs", "legacy-ninjs-1x.json"):
        shutil.copy(READERS / name, work / name)
    for name in ("seed.txt", "saved-page-clinic.html", "agency-harbour.ninjs",
                 "legacy-ninjs-1x.json"):
        assert run(["parse", str(work / name)]) == 0
        assert json.loads(capsys.readouterr().out)["headline"]
    out = tmp_path / "dist"
    assert run(["export", str(work / "seed.txt"), "-f", "ninjs,html", "-o", str(out)]) == 0
    produced = json.loads((out / "us-russia-deconflict-document-on-syria-to-be-released.ninjs")
                          .read_text(encoding="utf-8"))
    assert produced["associations"][0]["by"] == "AA"
    assert (out / "us-russia-deconflict-document-on-syria-to-be-released.html").stat().st_size
    # ninjs in, ninjs out: the wire item, with its remote picture, written as ninjs again.
    assert run(["export", str(work / "agency-harbour.ninjs"), "-f", "ninjs", "-o", str(out)]) == 0
    again = load(out / "harbour-strike-ends.ninjs")
    assert again.to_dict() == load(work / "agency-harbour.ninjs").to_dict()
