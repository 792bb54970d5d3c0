"""Reading what the targets write: XML parsed safely, and the files a manifest lists."""

from __future__ import annotations

from typing import cast
from urllib.parse import unquote

from lxml import etree


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))


def listed_files(root: etree._Element, ns: dict[str, str]) -> list[str]:
    """Package paths of every <file href> of every resource (hrefs are URI references: unescape them)."""
    hrefs = cast("list[str]", root.xpath("//cp:resource/cp:file/@href", namespaces=ns))
    return [unquote(h) for h in hrefs]
