"""What the local LMS reads from a package before launching it: standard, launch file, and the data it hands over.

Like an LMS at import time: imsmanifest.xml (SCORM 1.2 / 2004), cmi5.xml (the first AU), tincan.xml (the first
activity with a launch), or a bare index.html (the web target). The manifest is parsed with entities, DTDs and
the network off.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from scormkit.standards import XML_BASE

from .content import FolderContent, ZipContent


class LaunchError(ValueError):
    """The package cannot be launched; the message says why (file and what to do)."""


@dataclass
class LaunchInfo:
    standard: str  # scorm12 | scorm2004 | cmi5 | xapi | web
    manifest: str | None  # imsmanifest.xml / cmi5.xml / tincan.xml, None for web
    href: str  # launch file inside the package, with the item's parameters (SCORM) or the AU url's query
    title: str = ""
    activity_id: str | None = None  # tincan.xml activity id / cmi5 AU id
    move_on: str | None = None  # cmi5 AU moveOn
    mastery: float | None = None  # cmi5 AU masteryScore (0..1)
    #: CMI the LMS sets before launch from the manifest (launch_data, limits, threshold): every profile
    data: dict[str, str] = field(default_factory=dict)
    #: CMI that grades the learner: 1.2 masteryscore, 2004 scaled_passing_score; only profiles that apply mastery
    mastery_data: dict[str, str] = field(default_factory=dict)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if el is None else [c for c in el if _local(c) == name]


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _text(el: etree._Element | None) -> str | None:
    value = (el.text or "").strip() if el is not None else ""
    return value or None


def _parse(data: bytes, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise LaunchError(
            f"{name}:{exc.lineno}: not well-formed XML ({exc.msg}); run `scormkit validate` on it"
        ) from exc


def read_launch(content: FolderContent | ZipContent) -> LaunchInfo:
    """The LaunchInfo of a package; LaunchError when nothing can be launched."""
    for name, reader in (("imsmanifest.xml", _scorm), ("cmi5.xml", _cmi5), ("tincan.xml", _tincan)):
        data = content.read(name)
        if data is not None:
            return reader(_parse(data, name))
    if content.read("index.html") is not None:
        return LaunchInfo("web", None, "index.html")
    raise LaunchError(
        "no imsmanifest.xml, cmi5.xml, tincan.xml or index.html at the package root; "
        "zip the contents of the package folder, not the folder itself"
    )


def _scorm(root: etree._Element) -> LaunchInfo:
    version = _text(root.find("{*}metadata/{*}schemaversion")) or ""
    namespaces = {etree.QName(el).namespace or "" for el in root.iter() if isinstance(el.tag, str)}
    if version == "1.2" or any("adlcp_rootv1p2" in ns for ns in namespaces):
        standard = "scorm12"
    elif version.startswith("2004") or version == "CAM 1.3" or any("adlcp_v1p3" in ns for ns in namespaces):
        standard = "scorm2004"
    elif not any(ns for ns in namespaces):  # a namespace-less manifest: Moodle and Open edX take it as 1.2
        standard = "scorm12"
    else:
        raise LaunchError("imsmanifest.xml: neither SCORM 1.2 nor 2004 (schemaversion and namespaces unknown)")

    orgs, resources = _child(root, "organizations"), _child(root, "resources")
    organizations = _children(orgs, "organization")
    default = orgs.get("default") if orgs is not None else None
    org = next(
        (o for o in organizations if o.get("identifier") == default), organizations[0] if organizations else None
    )
    item = (
        next((i for i in org.iter() if _local(i) == "item" and i.get("identifierref")), None)
        if org is not None
        else None
    )
    by_id = {r.get("identifier"): r for r in _children(resources, "resource")}
    resource = by_id.get(item.get("identifierref")) if item is not None else None
    if resource is None:  # no organization or item: Moodle launches the first resource with an href
        resource = next((r for r in _children(resources, "resource") if r.get("href")), None)
    if resource is None or not resource.get("href"):
        raise LaunchError("imsmanifest.xml: no item points at a resource with an href, so there is nothing to launch")
    # SCORM CAM: xml:base at manifest, resources and resource level all apply.
    bases = [el.get(XML_BASE) or "" for el in (root, resources, resource) if el is not None]
    href = "".join(bases) + resource.get("href", "")
    parameters = (item.get("parameters") or "").strip() if item is not None else ""
    if parameters:  # IMS CP: "?x" / "#x" / "x", joined to the href's own query
        if parameters.startswith("#"):
            href += parameters
        else:
            href += ("&" if "?" in href else "?") + parameters.lstrip("?")
    title = _text(_child(item, "title")) or _text(_child(org, "title")) or ""
    info = LaunchInfo(standard, "imsmanifest.xml", href, title)

    def item_text(name: str) -> str | None:
        return _text(_child(item, name))

    if standard == "scorm12":
        for tag, element in (
            ("datafromlms", "cmi.launch_data"),
            ("maxtimeallowed", "cmi.student_data.max_time_allowed"),
            ("timelimitaction", "cmi.student_data.time_limit_action"),
        ):
            if item_text(tag) is not None:
                info.data[element] = item_text(tag)  # type: ignore[assignment]
        if item_text("masteryscore") is not None:
            info.mastery_data["cmi.student_data.mastery_score"] = item_text("masteryscore")  # type: ignore[assignment]
        return info

    if item_text("dataFromLMS") is not None:
        info.data["cmi.launch_data"] = item_text("dataFromLMS")  # type: ignore[assignment]
    if item_text("timeLimitAction") is not None:
        info.data["cmi.time_limit_action"] = item_text("timeLimitAction")  # type: ignore[assignment]
    threshold = _child(item, "completionThreshold")
    if threshold is not None:
        value = _text(threshold) or threshold.get("minProgressMeasure")
        if value and threshold.get("completedByMeasure", "true" if _text(threshold) else "false") == "true":
            info.data["cmi.completion_threshold"] = value
    sequencing = _child(item, "sequencing")
    limits = _child(sequencing, "limitConditions")
    if limits is not None and limits.get("attemptAbsoluteDurationLimit"):
        info.data["cmi.max_time_allowed"] = limits.get("attemptAbsoluteDurationLimit")  # type: ignore[assignment]
    # docs/lms-pitfalls.md rule 23: Moodle sets cmi.scaled_passing_score from the LAST row of the SCO's objectives, storing 1.0
    # for an objective without minNormalizedMeasure (scorm_13lib.php, get_scorm_default).
    objectives = _child(sequencing, "objectives")
    rows = [o for o in (objectives if objectives is not None else []) if _local(o) in ("primaryObjective", "objective")]
    if rows:
        info.mastery_data["cmi.scaled_passing_score"] = _text(_child(rows[-1], "minNormalizedMeasure")) or "1.0"
    return info


def _cmi5(root: etree._Element) -> LaunchInfo:
    au = next((el for el in root.iter() if _local(el) == "au"), None)
    url = _text(_child(au, "url")) if au is not None else None
    if au is None or not url:
        raise LaunchError("cmi5.xml: no <au> with a <url>, so there is nothing to launch")
    if "://" in url:
        raise LaunchError(
            f"cmi5.xml: the AU url {url} is not in the package; the local LMS launches package files only"
        )
    mastery = au.get("masteryScore")
    title = _text(next((el for el in au.iter() if _local(el) == "langstring"), None)) or ""
    return LaunchInfo(
        "cmi5",
        "cmi5.xml",
        url,
        title,
        activity_id=(au.get("id") or "").strip(),
        move_on=au.get("moveOn") or "NotApplicable",
        mastery=float(mastery) if mastery else None,
    )


def _tincan(root: etree._Element) -> LaunchInfo:
    for activity in root.iter():
        if _local(activity) == "activity" and _text(_child(activity, "launch")):
            return LaunchInfo(
                "xapi",
                "tincan.xml",
                _text(_child(activity, "launch")) or "",
                _text(_child(activity, "name")) or "",
                activity_id=(activity.get("id") or "").strip(),
            )
    raise LaunchError("tincan.xml: no <activity> has a <launch>, so there is nothing to launch")
