"""The standards' facts, written once: XML namespaces, cmi5's reserved launch parameters, the file suffixes LMSs
refuse as server-side code, the size limits of the run-times and LMSs, and the absolute-IRI rule.

The build half (targets/) writes with these and the validate half (validate/) reads with them, so the two cannot
drift apart. Each fact names its source; rule numbers are those of docs/lms-pitfalls.md.
"""

from __future__ import annotations

import re

# --- XML namespaces -------------------------------------------------------------------------------------------------

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: Clark notation of the attributes every manifest reader looks up.
XSI_SCHEMA_LOCATION = f"{{{XSI}}}schemaLocation"
XML_BASE = f"{{{XML_NS}}}base"

# SCORM 1.2: IMS Content Packaging 1.1.2, ADL CP 1.2, IMS MD 1.2.1 (the SCORM 1.2 CAM's schema set).
IMSCP_12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD_12 = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"

# SCORM 2004 (every edition): IMS CP 1.1.4, ADL CP/sequencing/navigation 1.3, IMS Simple Sequencing, IEEE LOM.
IMSCP_2004 = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
LOM = "http://ltsc.ieee.org/xsd/LOM"

# xAPI's tincan.xml and cmi5's course structure.
TINCAN = "http://projecttincan.com/tincan.xsd"
CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"

# --- cmi5 -------------------------------------------------------------------------------------------------------------

#: Launch parameter names the LMS appends to the AU url (cmi5 section 8.1); an AU url must not use them (8.1.0.0-6).
CMI5_RESERVED_LAUNCH_PARAMETERS = ("endpoint", "fetch", "actor", "registration", "activityId")

# --- files LMSs refuse ------------------------------------------------------------------------------------------------

#: Server-side scripts and server configuration (rule 12): Docebo refuses packages carrying them, and a web server
#: that executes them would run the package's code. `pack` refuses them as assets; `validate` warns.
SERVER_SIDE_SUFFIXES = (
    ".php",
    ".php3",
    ".php4",
    ".php5",
    ".phps",
    ".ph3",
    ".phtml",
    ".shtml",
    ".sh",
    ".py",
    ".pl",
    ".rb",
    ".cgi",
    ".htaccess",
    ".asp",
    ".aspx",
    ".jsp",
)

# --- size limits ------------------------------------------------------------------------------------------------------

#: Rule 19: Open edX rejects packages over 50 MB; `pack` and `validate` warn above it.
PACKAGE_SIZE_WARNING_BYTES = 50 * 1024 * 1024

#: Rule 1: cmi.suspend_data is CMIString4096 in SCORM 1.2 ...
SUSPEND_DATA_LIMIT_12 = 4096
#: ... and SPM 4,000 characters in SCORM 2004 2nd edition, 64,000 from the 3rd.
SUSPEND_DATA_LIMITS_2004 = {"2nd": 4000, "3rd": 64000, "4th": 64000}

#: adlcp:datafromlms: the 1.2 CAM XSD caps it at 255 characters, the 1.2 run-time's cmi.launch_data at 4,096.
DATAFROMLMS_XSD_MAX_12 = 255
LAUNCH_DATA_MAX_12 = 4096

#: IMS CP `version` is a string of at most 20 characters in every XSD set (imscp_rootv1p1p2.xsd, imscp_v1p1.xsd).
MAX_MANIFEST_VERSION = 20

# --- IRIs -------------------------------------------------------------------------------------------------------------

# An absolute IRI (RFC 3987): a scheme, a colon, and no character IRIs exclude (white space, controls, <>"{}|\^`).
# cmi5 3.0.0.0-1 and xAPI demand absolute IRIs for every id (rule 17); `urn:` ids are absolute too.
_ABSOLUTE_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"{}|\\^`\x00-\x1f\x7f]+$')
#: The characters an IRI may not hold, for messages and for checking a base before ids are made from it.
IRI_EXCLUDED = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]')


def is_absolute_iri(value: str) -> bool:
    """True for an absolute IRI: a scheme, then only characters IRIs allow (cmi5 3.0.0.0-1; rule 17)."""
    return bool(_ABSOLUTE_IRI.match(value))
