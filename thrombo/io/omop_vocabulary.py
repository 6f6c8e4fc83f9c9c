"""LOINC equivalents of SNOMED-coded measurement concepts, from the CDM's own vocabulary.

An OMOP CDM may record a laboratory result under a standard SNOMED concept. thrombo's catalogue
is keyed by LOINC (clinical-reference.md section H), so such a result is read through the CDM's
`concept_relationship` table: a 'Maps to' (or its reverse, 'Mapped from') link between the
concept and exactly one LOINC observation code makes the result read as that LOINC code. Nothing
is guessed from names. Only concepts of the Measurement domain are mapped (a procedure or
condition concept keeps its own code: an HSCT is a SNOMED procedure and must stay one), only to
LOINC observation codes (not answer codes, `LA...`), and only when the link is unique (two
LOINC partners would read one analyte as another). A concept without one keeps its code, and
normalisation's skip reason names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from thrombo.domain.codes import looks_like_loinc

if TYPE_CHECKING:
    from thrombo.io.omop import Concept

MAPPING_RELATIONSHIPS = frozenset({"Maps to", "Mapped from"})
MEASUREMENT_DOMAIN = "Measurement"


def loinc_equivalents(
    relationships: Iterable[Mapping[str, Any]], concepts: Mapping[str, Concept],
    domains: Mapping[str, str], text: Callable[[object], str],
) -> dict[str, Concept]:
    """concept_id -> the LOINC concept it is mapped to (its `mapped_from` naming the original),
    for each Measurement-domain concept of another vocabulary with exactly one LOINC partner
    code. `text` reads a cell as the OMOP reader does (omop.cell_text)."""
    partners: dict[str, dict[str, str]] = {}
    for row in relationships:
        if text(row.get("relationship_id")) not in MAPPING_RELATIONSHIPS:
            continue
        if text(row.get("invalid_reason")):
            continue  # a retired link
        one, two = text(row.get("concept_id_1")), text(row.get("concept_id_2"))
        for source, target in ((one, two), (two, one)):
            partner = concepts.get(target)
            if _mappable(source, concepts, domains) and _loinc_observation(partner):
                partners.setdefault(source, {})[concepts[target].concept_code] = target
    found = {}
    for source, codes in partners.items():
        if len(codes) == 1:
            original = concepts[source]
            (target,) = codes.values()
            found[source] = replace(concepts[target], mapped_from=(
                f"{original.vocabulary_id} {original.concept_code} (concept {source})"))
    return found


def _mappable(concept_id: str, concepts: Mapping[str, Concept], domains: Mapping[str, str]
              ) -> bool:
    concept = concepts.get(concept_id)
    return (concept is not None and concept.vocabulary_id != "LOINC"
            and domains.get(concept_id) == MEASUREMENT_DOMAIN)


def _loinc_observation(concept: Concept | None) -> bool:
    return (concept is not None and concept.vocabulary_id == "LOINC"
            and looks_like_loinc(concept.concept_code)
            and not concept.concept_code.startswith("LA"))
