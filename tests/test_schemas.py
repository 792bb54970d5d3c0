"""The vendored XSD sets: intact (SHA256SUMS), compilable offline, never fetched from the network, shipped as
package data."""

from __future__ import annotations

import hashlib
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from lxml import etree

from scormkit import schemas
from scormkit.schemas import SCHEMA_SETS, schema_dir, schema_for, validate_xml

ROOT = Path(__file__).resolve().parents[1]
# Files of the schemas package that are not vendored schema files.
NOT_VENDORED = {"__init__.py", "PROVENANCE.md", "SHA256SUMS"}


def sha256sums() -> dict[str, str]:
    """path -> hex digest, as listed in SHA256SUMS (`<digest>  <path>` lines)."""
    listed: dict[str, str] = {}
    for line in (schema_dir() / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, path = line.split(maxsplit=1)
        assert path not in listed, f"{path} listed twice"
        listed[path.strip()] = digest
    return listed


def vendored_files() -> list[str]:
    base = schema_dir()
    return sorted(
        p.relative_to(base).as_posix()
        for p in base.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.name not in NOT_VENDORED
        and p.relative_to(base).parts[0] != "LICENSES"
    )


def test_sha256sums_match_every_listed_file():
    base = schema_dir()
    listed = sha256sums()
    assert listed
    for path, digest in listed.items():
        assert hashlib.sha256((base / path).read_bytes()).hexdigest() == digest, path


def test_every_vendored_file_is_listed():
    listed = set(sha256sums())
    files = vendored_files()
    assert [f for f in files if f not in listed] == []
    assert [p for p in listed if p not in files] == []
    xsds = [f for f in files if f.endswith(".xsd")]
    assert len(xsds) > 90 and set(xsds) <= listed


def test_every_set_has_provenance():
    provenance = (schema_dir() / "PROVENANCE.md").read_text(encoding="utf-8")
    for path in sha256sums():
        assert f"|{path} |" in provenance, path


@pytest.mark.parametrize("name", SCHEMA_SETS)
def test_every_set_compiles(name):
    assert isinstance(schema_for(name), etree.XMLSchema)


def test_unknown_set_is_refused():
    with pytest.raises(KeyError, match="unknown schema set 'scorm13'"):
        schema_for("scorm13")


def _compile(tmp_path: Path, imports: str) -> etree.XMLSchema:
    source = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test">' + imports + "</xs:schema>"
    )
    parser = schemas._parser(schema_dir() / "scorm2004-4th" / "xml.xsd")
    doc = etree.fromstring(source.encode(), parser, base_url=(tmp_path / "t.xsd").as_uri())
    return etree.XMLSchema(etree.ElementTree(doc))


def test_http_schema_location_is_refused_not_fetched(tmp_path, monkeypatch):
    """No network: a schema importing an http URL fails to compile because the resolver refuses the URL."""
    refused: list[tuple[str, str]] = []
    original = schemas._OfflineResolver.resolve

    def spy(self, url, pubid, context):
        try:
            return original(self, url, pubid, context)
        except etree.XMLSchemaParseError as error:
            refused.append((url, str(error)))
            raise

    monkeypatch.setattr(schemas._OfflineResolver, "resolve", spy)
    with pytest.raises(etree.XMLSchemaParseError) as caught:
        _compile(tmp_path, '<xs:import namespace="urn:x" schemaLocation="http://example.invalid/x.xsd"/>')
    assert "http://example.invalid/x.xsd" in str(caught.value)
    url = "http://example.invalid/x.xsd"
    assert refused == [(url, f"refusing to fetch {url}: schemas are resolved offline only")]


def test_w3c_xml_xsd_url_is_served_locally(tmp_path):
    """The W3C xml.xsd URL, imported by the 4th edition imscp_v1p1.xsd, resolves to the vendored copy."""
    schema = _compile(
        tmp_path,
        '<xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="http://www.w3.org/2001/xml.xsd"/>',
    )
    assert isinstance(schema, etree.XMLSchema)


def test_validate_xml_reports_line_and_message():
    doc = etree.fromstring(
        b'<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M">\n<bogus/>\n</manifest>'
    )
    errors = validate_xml(doc, "scorm2004-3rd")
    assert errors and errors[0].startswith("line ")


def test_schemas_readable_through_importlib_resources():
    text = resources.files("scormkit.schemas").joinpath("scorm12/imscp_rootv1p1p2.xsd").read_text(encoding="utf-8")
    assert 'targetNamespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2"' in text.replace("'", '"')


def test_schemas_are_package_data():
    """Every vendored file matches a package-data glob of pyproject.toml, so it ships in the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["scormkit"]
    package = ROOT / "src" / "scormkit"
    shipped = {p.relative_to(package).as_posix() for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    wanted = [f"schemas/{f}" for f in vendored_files()] + ["schemas/SHA256SUMS", "schemas/PROVENANCE.md"]
    wanted += [f"schemas/LICENSES/{p.name}" for p in (schema_dir() / "LICENSES").iterdir()]
    assert [f for f in wanted if f not in shipped] == []
