"""Reading what the targets write: XML parsed safely, and the files a manifest lists."""

from __future__ import annotations

from urllib.parse import unquote

from lxml import etree


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))


def listed_files(root: etree._Element, ns: dict[str, str]) -> list[str]:
    """Package paths of every <file href> of every resource (hrefs are URI references: unescape them)."""
    return [unquote(h) for h in root.xpath("//cp:resource/cp:file/@href", namespaces=ns)]
