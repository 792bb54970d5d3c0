"""Generate module_src/slides.pdf for the example module, reproducibly.

Run from the repository root:

    python module_src/make_slides.py

It reads the title, author, publisher, publication year and `updated` date from
module_src/module.yaml (ruamel.yaml) and writes module_src/slides.pdf with fpdf2:
16:9 landscape pages, one slide per page, real (selectable) text in the PDF core
fonts, and one PDF outline entry (bookmark) per slide whose text equals the slide
title. scormkit uses those bookmarks as slide titles and the page text as each
slide's accessible text.

The output is byte-identical on every run: the creation date is the module's
`updated` date (midnight UTC), the producer/creator and all other metadata are
fixed, and fpdf2's default /ID is a hash of the document content (no randomness).
Check with: sha256sum module_src/slides.pdf (before and after a second run).

Text must stay within latin-1 because the core fonts cannot encode anything else
(write "micrograms", not the micro sign; "-" rather than an en dash).

Slide content: our own summary of standard (ESMO/WHO-era, 2010) cancer pain
teaching, following the outline of the public ESMO E-Learning page "Practical
Tips for the Management of Difficult Pain Problems" (Nathan I. Cherny). It is
example content for scormkit, not clinical guidance.
"""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

from fpdf import FPDF
from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent
MODULE_YAML = HERE / "module.yaml"
OUTPUT = HERE / "slides.pdf"

# Page: 16:9 landscape, in points (13.333 x 7.5 inches).
PAGE_W, PAGE_H = 960.0, 540.0
MARGIN_X = 56.0
BAND_H = 92.0
FOOTER_Y = PAGE_H - 34.0

# Colours (RGB).
BAND = (0, 84, 122)  # deep teal-blue title band
ACCENT = (232, 142, 28)  # warm orange accent
TEXT = (33, 37, 41)
MUTED = (108, 117, 125)
WHITE = (255, 255, 255)
PALE = (236, 244, 248)

TITLE_SIZE = 28
BULLET_SIZE = 20
BULLET_LINE_H = 26.0
BULLET_GAP = 11.0

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def load_meta() -> dict:
    """Title, author, publisher, years and updated date from module.yaml."""
    data = YAML(typ="safe").load(MODULE_YAML.read_text(encoding="utf-8"))
    updated = data["updated"]
    if isinstance(updated, str):
        updated = _dt.date.fromisoformat(updated)
    published = str(data.get("published", updated.year))[:4]
    return {
        "title": str(data["title"]),
        "authors": [str(a["name"]) for a in data["authors"]],
        "publisher": str(data["publisher"]),
        "published": published,
        "updated": updated,
        "updated_text": f"{updated.day} {MONTHS[updated.month - 1]} {updated.year}",
        "disclosures": [(str(d["person"]), str(d["statement"])) for d in data.get("disclosures", [])],
        "objectives": [str(o["text"]) for o in data["objectives"]],
    }


# --------------------------------------------------------------------------
# Content slides: (title, [bullets]). 3-6 bullets each, latin-1 only.
# --------------------------------------------------------------------------
CONTENT: list[tuple[str, list[str]]] = [
    (
        "Assessing a difficult pain problem",
        [
            "Characterise every pain: site, radiation, intensity, timing, and what eases or worsens it.",
            "Identify the mechanism: nociceptive (somatic or visceral), neuropathic, or mixed.",
            "Find the cause: the tumour itself, its treatment, or an unrelated condition; image when the result will change management.",
            "Measure intensity on a validated scale (e.g. 0-10 numerical rating) and reassess after every change.",
            "Explore psychological, social and spiritual distress, which amplify pain ('total pain').",
        ],
    ),
    (
        "A stepwise approach",
        [
            "Pain is 'difficult' when titration fails to give relief or side effects prevent adequate dosing.",
            "Step 1: treat the underlying cause when a primary therapy is feasible.",
            "Step 2: optimise systemic analgesia - titrate the opioid, add adjuvants, prevent side effects.",
            "Step 3: if side effects limit the dose, change the route or rotate to another opioid.",
            "Step 4: consider regional anaesthetic or neuroablative procedures for persistent pain.",
            "Step 5: for truly refractory pain at the end of life, consider proportionate sedation.",
        ],
    ),
    (
        "Primary (disease-directed) therapies",
        [
            "Radiotherapy relieves most painful bone metastases; a single 8 Gy fraction relieves pain as well as longer courses (retreatment is more frequent).",
            "Surgery: fixation of pathological or impending fractures, decompression, relief of obstruction.",
            "Chemotherapy, hormonal or targeted therapy can ease pain in responsive tumours (e.g. breast, prostate, lymphoma).",
            "Bone-seeking radioisotopes may help widespread osteoblastic bone pain.",
            "Keep analgesics going while the primary treatment takes effect.",
        ],
    ),
    (
        "Opioid titration to the maximal tolerated dose",
        [
            "Titrate with immediate-release oral morphine (or another strong opioid) every 4 hours, plus rescue doses as needed.",
            "In opioid-naive patients start low (e.g. 5-10 mg every 4 hours); lower still in the frail or in renal impairment.",
            "Review daily: add the rescue doses taken into the next day's regular dose, or raise it by about 30-50%.",
            "Pure opioid agonists have no ceiling dose: the limit is the patient's tolerance of side effects.",
            "Titrate until pain is controlled or side effects become intolerable despite treatment: that is the maximal tolerated dose.",
        ],
    ),
    (
        "Breakthrough doses and modified-release opioids",
        [
            "Rescue (breakthrough) dose: immediate-release opioid, about 1/6 to 1/10 of the total daily dose.",
            "An oral rescue dose may be repeated after about an hour if pain persists.",
            "Once the dose is stable, convert the total daily dose to a modified-release product (12- or 24-hourly).",
            "Example: 60 mg/day oral morphine = 30 mg modified-release every 12 h, with 10 mg immediate-release rescue doses.",
            "Recalculate the rescue dose whenever the regular dose changes.",
        ],
    ),
    (
        "Routes of administration",
        [
            "Oral is the route of choice whenever the patient can swallow and absorb.",
            "Transdermal fentanyl or buprenorphine suits stable pain; slow onset and offset make it unsuitable for rapid titration.",
            "Subcutaneous (bolus or continuous infusion) or intravenous when oral intake fails or rapid titration is needed.",
            "Parenteral morphine is roughly two to three times as potent as oral morphine: reduce the dose when switching.",
            "Spinal (epidural or intrathecal) delivery for selected patients with intolerable systemic side effects.",
        ],
    ),
    (
        "Opioid rotation and equianalgesic conversion",
        [
            "Rotate to another opioid when side effects prevent adequate analgesia despite their treatment.",
            "Calculate the equivalent dose of the new opioid from an equianalgesic table.",
            "Reduce the calculated dose by 25-50% to allow for incomplete cross-tolerance, then re-titrate.",
            "Methadone conversion ratios vary with the previous dose: leave it to experienced clinicians.",
            "Keep rescue doses available and review closely in the first days after a switch.",
        ],
    ),
    (
        "Opioid side effects: constipation and nausea",
        [
            "Constipation affects almost every patient and does not wear off with tolerance.",
            "Start a regular laxative (stimulant plus softener) together with the opioid, and adjust to effect.",
            "Nausea is common at the start and after dose increases and usually settles within days.",
            "Treat nausea with an antiemetic such as metoclopramide or haloperidol.",
            "Exclude other causes: hypercalcaemia, bowel obstruction, other drugs.",
        ],
    ),
    (
        "Opioid side effects: CNS effects and respiratory depression",
        [
            "Sedation is often transient; if it persists, reduce the dose, rotate or change route.",
            "Delirium: look for other causes (infection, hypercalcaemia, renal failure, drugs); reduce or rotate the opioid.",
            "Myoclonus signals opioid neurotoxicity, especially at high doses or in renal impairment: reduce or rotate.",
            "Respiratory depression is rare when doses are titrated against pain, and is preceded by increasing sedation.",
            "Treat it with naloxone: diluted, in small increments, to restore breathing without reversing analgesia.",
            "Naloxone acts for a shorter time than most opioids: repeat doses or an infusion may be needed.",
        ],
    ),
    (
        "Adjuvant analgesics",
        [
            "Corticosteroids (e.g. dexamethasone): nerve or spinal cord compression, raised intracranial pressure, liver capsule pain.",
            "Antidepressants (e.g. amitriptyline) and anticonvulsants (e.g. gabapentin, pregabalin): neuropathic pain.",
            "Bisphosphonates (e.g. zoledronic acid, pamidronate): pain from bone metastases.",
            "Ketamine, an NMDA receptor antagonist: refractory, often neuropathic, pain - specialist use.",
            "Paracetamol or an NSAID alongside the opioid, weighing gastrointestinal and renal risks.",
            "Start low, titrate, and watch for additive sedation.",
        ],
    ),
    (
        "Regional anaesthetic approaches",
        [
            "Consider them when systemic treatment fails or its side effects are intolerable - early, not only as a last resort.",
            "Epidural or intrathecal infusions of an opioid with a local anaesthetic (e.g. bupivacaine), with or without clonidine.",
            "Spinal delivery needs far lower opioid doses than systemic routes, so systemic side effects fall.",
            "Peripheral nerve and plexus blocks (single shot or catheter) for well-localised pain.",
            "Require an anaesthetic/pain team; risks include infection, catheter problems, hypotension and bleeding.",
        ],
    ),
    (
        "Neuroablative interventions",
        [
            "Interrupt pain pathways for severe, well-localised pain that resists other measures.",
            "Coeliac plexus neurolysis for upper abdominal visceral pain, notably pancreatic cancer: less pain and less opioid.",
            "Superior hypogastric plexus block for pelvic visceral pain.",
            "Percutaneous cervical cordotomy for one-sided pain below the neck (e.g. mesothelioma): interrupts the contralateral spinothalamic tract.",
            "Weigh benefits against risks (weakness, bladder or bowel dysfunction, dysaesthesia) and obtain informed consent.",
        ],
    ),
    (
        "Sedation for refractory pain at the end of life",
        [
            "Refractory: pain that cannot be relieved adequately, despite expert effort, without compromising consciousness.",
            "Confirm refractoriness with multidisciplinary, palliative-care expert assessment.",
            "Proportionality: use the lowest depth of sedation that relieves the suffering.",
            "The intent is to relieve suffering, not to shorten life: it is distinct from euthanasia.",
            "Discuss with the patient (if able) and the family, obtain consent, and document the decision.",
        ],
    ),
    (
        "Sedation in practice",
        [
            "Midazolam is the usual first-line drug: subcutaneous or intravenous, boluses plus a continuous infusion.",
            "Start low and titrate to comfort, e.g. 0.5-1 mg/h with 1-5 mg boluses as needed.",
            "Continue opioids and other comfort measures: sedation does not replace analgesia.",
            "If midazolam fails: levomepromazine, phenobarbital or propofol, with specialist advice.",
            "Monitor comfort and depth of sedation regularly; support the family and the team.",
        ],
    ),
    (
        "Summary: key take-aways",
        [
            "Assess each pain carefully and treat its cause whenever possible.",
            "Titrate opioids with immediate-release and rescue doses up to the maximal tolerated dose.",
            "Anticipate side effects: start a laxative with the opioid; treat nausea, sedation and neurotoxicity.",
            "Change route or opioid when side effects limit titration, reducing the dose for incomplete cross-tolerance.",
            "Use adjuvants, regional and neuroablative procedures when indicated; refer early.",
            "Reserve proportionate sedation for truly refractory suffering at the end of life.",
        ],
    ),
]


class Deck(FPDF):
    def __init__(self, meta: dict) -> None:
        super().__init__(orientation="L", unit="pt", format=(PAGE_H, PAGE_W))
        self.meta = meta
        self.set_auto_page_break(False)
        self.set_margins(MARGIN_X, MARGIN_X, MARGIN_X)
        self.total = 0

    # fpdf2 calls footer() for every page on add_page()/close().
    def footer(self) -> None:
        if self.page == 1:
            return
        self.set_draw_color(*ACCENT)
        self.set_line_width(1.2)
        self.line(MARGIN_X, FOOTER_Y - 6, PAGE_W - MARGIN_X, FOOTER_Y - 6)
        self.set_font("Helvetica", "", 11)
        self.set_text_color(*MUTED)
        self.set_xy(PAGE_W - MARGIN_X - 120, FOOTER_Y)
        self.cell(120, 16, f"{self.page} / {self.total}", align="R")


def check_latin1(text: str) -> str:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError as exc:  # pragma: no cover - authoring guard
        raise SystemExit(f"non latin-1 text on a slide: {text!r} ({exc})") from exc
    return text


def title_band(pdf: Deck, title: str) -> None:
    pdf.start_section(title)
    pdf.set_fill_color(*BAND)
    pdf.rect(0, 0, PAGE_W, BAND_H, style="F")
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, BAND_H, PAGE_W, 5, style="F")
    pdf.set_font("Helvetica", "B", TITLE_SIZE)
    pdf.set_text_color(*WHITE)
    if pdf.get_string_width(title) > PAGE_W - 2 * MARGIN_X:
        raise SystemExit(f"slide title too wide: {title!r}")
    pdf.set_xy(MARGIN_X, 0)
    pdf.cell(PAGE_W - 2 * MARGIN_X, BAND_H, check_latin1(title), align="L")


def bullets(pdf: Deck, items: list[str], top: float = BAND_H + 36) -> None:
    if not 3 <= len(items) <= 6:
        raise SystemExit(f"slide needs 3-6 bullets, got {len(items)}")
    text_x = MARGIN_X + 26
    text_w = PAGE_W - MARGIN_X - text_x
    pdf.set_font("Helvetica", "", BULLET_SIZE)
    pdf.set_text_color(*TEXT)
    # Measure first so that nothing can overflow into the footer.
    heights = [
        len(pdf.multi_cell(text_w, BULLET_LINE_H, check_latin1(t), dry_run=True, output="LINES")) * BULLET_LINE_H
        for t in items
    ]
    total = sum(heights) + BULLET_GAP * (len(items) - 1)
    avail = FOOTER_Y - 20 - top
    if total > avail:
        raise SystemExit(f"bullets overflow the slide by {total - avail:.0f} pt: {items[0]!r}")
    # Centre the block a little when it is short.
    y = top + max(0.0, (avail - total) / 3)
    for text, h in zip(items, heights):
        pdf.set_fill_color(*ACCENT)
        pdf.rect(MARGIN_X + 4, y + BULLET_LINE_H / 2 - 4, 8, 8, style="F")
        pdf.set_xy(text_x, y)
        pdf.multi_cell(text_w, BULLET_LINE_H, text, align="L")
        y += h + BULLET_GAP


def title_slide(pdf: Deck, meta: dict) -> None:
    pdf.add_page()
    pdf.start_section(meta["title"])
    pdf.set_fill_color(*BAND)
    pdf.rect(0, 0, PAGE_W, PAGE_H, style="F")
    pdf.set_fill_color(*ACCENT)
    pdf.rect(MARGIN_X, 150, 90, 6, style="F")
    pdf.set_text_color(*WHITE)
    pdf.set_font("Helvetica", "B", 38)
    pdf.set_xy(MARGIN_X, 176)
    pdf.multi_cell(PAGE_W - 2 * MARGIN_X, 46, check_latin1(meta["title"]), align="L")
    pdf.set_font("Helvetica", "", 22)
    pdf.set_x(MARGIN_X)
    pdf.ln(18)
    pdf.set_x(MARGIN_X)
    pdf.cell(0, 30, check_latin1(", ".join(meta["authors"])), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 17)
    pdf.set_text_color(*PALE)
    pdf.cell(0, 26, check_latin1(meta["publisher"]), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        26,
        check_latin1(f"Published {meta['published']} - updated {meta['updated_text']}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )


def disclosure_slide(pdf: Deck, meta: dict) -> None:
    pdf.add_page()
    title_band(pdf, "Declaration of interest")
    y = BAND_H + 60
    for person, statement in meta["disclosures"]:
        pdf.set_xy(MARGIN_X, y)
        pdf.set_font("Helvetica", "B", 22)
        pdf.set_text_color(*TEXT)
        pdf.cell(0, 30, check_latin1(f"{person} has reported:"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_fill_color(*PALE)
        pdf.rect(MARGIN_X, pdf.get_y() + 10, PAGE_W - 2 * MARGIN_X, 56, style="F")
        pdf.set_fill_color(*ACCENT)
        pdf.rect(MARGIN_X, pdf.get_y() + 10, 6, 56, style="F")
        pdf.set_xy(MARGIN_X + 24, pdf.get_y() + 10)
        pdf.set_font("Helvetica", "", 21)
        pdf.cell(0, 56, check_latin1(statement))
        y += 120
    pdf.set_xy(MARGIN_X, FOOTER_Y - 60)
    pdf.set_font("Helvetica", "I", 14)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 20, "Statement as published with the module.")


def objectives_slide(pdf: Deck, meta: dict) -> None:
    pdf.add_page()
    title_band(pdf, "Learning objectives")
    bullets(pdf, meta["objectives"])


def build(meta: dict) -> bytes:
    pdf = Deck(meta)
    pdf.total = 3 + len(CONTENT)
    updated = meta["updated"]
    pdf.set_creation_date(_dt.datetime(updated.year, updated.month, updated.day, tzinfo=_dt.UTC))
    pdf.set_title(meta["title"])
    pdf.set_author(", ".join(meta["authors"]))
    pdf.set_subject("ESMO E-Learning example module for scormkit")
    pdf.set_keywords("cancer pain, opioids, adjuvant analgesics, palliative sedation")
    pdf.set_creator("module_src/make_slides.py (scormkit example module)")
    pdf.set_producer("fpdf2")
    pdf.set_lang("en")
    pdf.set_display_mode(zoom="fullpage", layout="single")
    pdf.page_mode = "USE_OUTLINES"

    title_slide(pdf, meta)
    disclosure_slide(pdf, meta)
    objectives_slide(pdf, meta)
    for title, items in CONTENT:
        pdf.add_page()
        title_band(pdf, title)
        bullets(pdf, items)
    assert pdf.page == pdf.total
    return bytes(pdf.output())


def main() -> int:
    data = build(load_meta())
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
