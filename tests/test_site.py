"""hckg site: pages a search engine and a FAIR portal can crawl, and a person can read."""

import json
import shutil
import subprocess
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from lxml import html
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from hckg.cli import cli
from hckg.export import catalogue_datasets
from hckg.graph import load_graph
from hckg.namespaces import DCAT
from hckg.site import build_site

from conftest import FIXTURES

MINI = FIXTURES / "export" / "mini.ttl"
BASE = "https://example.org/hckg/"
extruct = pytest.importorskip("extruct")


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build_site(out, [MINI], base_url=BASE)
    return out


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("real-site")
    build_site(out)
    return out


def schema_datasets(page) -> list[dict]:
    found = extruct.extract(page.read_text(encoding="utf-8"), syntaxes=["json-ld"], uniform=True)["json-ld"]
    return [item for item in found if item.get("@type") == "Dataset"]


def test_the_site_has_every_file(mini_site):
    names = sorted(str(p.relative_to(mini_site)) for p in mini_site.rglob("*") if p.is_file())
    assert names == [
        "catalog.jsonld", "catalog.ttl", "context.jsonld",
        "dataset/alpha-xray.croissant.json", "dataset/alpha-xray.healthdcat.jsonld", "dataset/alpha-xray.html",
        "dataset/alpha-xray.jsonld", "dataset/alpha-xray.ttl",
        "dataset/beta-records.healthdcat.jsonld", "dataset/beta-records.html", "dataset/beta-records.jsonld",
        "dataset/beta-records.ttl",
        "dataset/gamma-survey.healthdcat.jsonld", "dataset/gamma-survey.html", "dataset/gamma-survey.jsonld",
        "dataset/gamma-survey.ttl",
        "index.html", "robots.txt", "sitemap.xml", "sizes.svg", "timeline.svg",
    ]


def test_extruct_finds_exactly_one_dataset_per_landing_page_matching_the_catalogue(mini_site):
    graph = load_graph([MINI])
    for name, iri in catalogue_datasets(graph).items():
        [dataset] = schema_datasets(mini_site / "dataset" / f"{name}.html")
        assert dataset["@id"] == str(iri)
        assert dataset["name"] == str(graph.value(iri, DCTERMS.title))
        assert dataset["description"] == str(graph.value(iri, DCTERMS.description))
        landing = graph.value(iri, DCAT.landingPage)
        assert dataset.get("url") == (str(landing) if landing else None)
    alpha = schema_datasets(mini_site / "dataset" / "alpha-xray.html")[0]
    assert alpha["identifier"] == "https://doi.org/10.0000/alpha"
    assert alpha["temporalCoverage"] == "2001/2010"
    assert alpha["license"] == "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"


def test_extruct_recovers_every_dataset_of_the_real_catalogue(real_site):
    graph = load_graph()
    found = {}
    for name in catalogue_datasets(graph):
        [dataset] = schema_datasets(real_site / "dataset" / f"{name}.html")
        found[dataset["@id"]] = dataset["name"]
    assert found == {str(iri): str(graph.value(iri, DCTERMS.title)) for iri in catalogue_datasets(graph).values()}


def test_landing_pages_carry_signposting_and_alternates_that_exist(mini_site):
    page = html.fromstring((mini_site / "dataset" / "alpha-xray.html").read_bytes())
    links = {(link.get("rel"), link.get("type"), link.get("href")) for link in page.iter("link")}
    assert ("cite-as", None, "https://doi.org/10.0000/alpha") in links
    assert ("type", None, "https://schema.org/Dataset") in links
    assert ("license", None, "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0") in links
    assert ("describedby", "text/turtle", BASE + "dataset/alpha-xray.ttl") in links
    assert ("author", None, "https://ror.org/00example1") in links
    assert ("item", None, "https://example.org/alpha/alpha.zip") in links
    alternates = [href for rel, _type, href in links if rel == "alternate"]
    assert sorted(alternates) == ["alpha-xray.croissant.json", "alpha-xray.healthdcat.jsonld", "alpha-xray.jsonld",
                                  "alpha-xray.ttl"]
    for href in alternates:
        assert (mini_site / "dataset" / href).is_file()
    assert Graph().parse(mini_site / "dataset" / "alpha-xray.ttl").value(
        URIRef("https://w3id.org/hckg/dataset/alpha-xray"), DCTERMS.title)
    assert json.loads((mini_site / "dataset" / "alpha-xray.healthdcat.jsonld").read_text())["numberOfUniqueIndividuals"] == 1000


def test_pages_are_accessible_and_need_no_javascript(mini_site):
    index = html.fromstring((mini_site / "index.html").read_bytes())
    assert index.get("lang") == "en"
    assert all(img.get("alt") for img in index.iter("img"))
    assert all(th.get("scope") == "col" for th in index.iter("th"))
    assert index.get_element_by_id("filters").get("hidden") is not None   # the search box is added by script
    rows = index.xpath("//table[@id='datasets']/tbody/tr")
    assert [r.xpath("string(td[1])") for r in rows] == ["Alpha chest X-rays", "Beta hospital records", "Gamma series"]
    assert not index.xpath("//script[@src]") and not index.xpath("//link[@rel='stylesheet']")   # nothing fetched


def test_sitemap_robots_and_charts(mini_site):
    sitemap = ElementTree.parse(mini_site / "sitemap.xml").getroot()
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == [BASE + "index.html"] + [BASE + f"dataset/{n}.html" for n in ("alpha-xray", "beta-records",
                                                                                  "gamma-survey")]
    assert (mini_site / "robots.txt").read_text() == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"
    svg = "{http://www.w3.org/2000/svg}"
    timeline = ElementTree.parse(mini_site / "timeline.svg").getroot()
    bars = [r for r in timeline.iter(f"{svg}rect") if r.find(f"{svg}title") is not None]
    assert sorted(b.find(f"{svg}title").text for b in bars) == ["Alpha chest X-rays", "Beta hospital records"]
    sizes = ElementTree.parse(mini_site / "sizes.svg").getroot()
    assert "Beta hospital records: more than 5,000 patients" in sizes.find(f"{svg}desc").text
    assert json.loads((mini_site / "context.jsonld").read_text())["@context"]["title"] == "dct:title"


def test_the_site_is_deterministic(mini_site, tmp_path):
    build_site(tmp_path, [MINI], base_url=BASE)
    for path in mini_site.rglob("*"):
        if path.is_file():
            assert (tmp_path / path.relative_to(mini_site)).read_bytes() == path.read_bytes(), path


def test_site_command_and_its_errors(tmp_path):
    result = CliRunner().invoke(cli, ["site", str(tmp_path / "out"), "--data", str(MINI)])
    assert (result.exit_code, result.output) == (0, f"Wrote 21 files to {tmp_path / 'out'}\n")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["site", str(blocker), "--data", str(MINI)])
    assert result.exit_code == 2 and result.output.startswith(f"Error: OUTDIR {blocker}: exists and is not a folder")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_pages_render_in_a_headless_browser(mini_site, tmp_path):
    for page, text in (("index.html", "Beta hospital records"), ("dataset/alpha-xray.html", "Pneumonia")):
        common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}"]
        dom = subprocess.run(common + ["--dump-dom", (mini_site / page).as_uri()],
                             capture_output=True, text=True, timeout=120)
        assert text in dom.stdout
        shot = tmp_path / "shot.png"
        subprocess.run(common + ["--window-size=1200,1600", f"--screenshot={shot}", (mini_site / page).as_uri()],
                       capture_output=True, timeout=120)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = subprocess.run(common + ["--dump-dom", (mini_site / "index.html").as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert '<div id="filters">' in dom   # the script ran and showed the search box
