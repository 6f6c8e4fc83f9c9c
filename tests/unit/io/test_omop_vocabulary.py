"""SNOMED-coded measurement concepts read through the CDM's own 'Maps to' links (issue 19, item
9): a link to exactly one LOINC observation code makes the result read as that code, on every
path that reads the CDM (they share `cdm_concepts`); nothing else is mapped.

Concept ids of the LOINC codes are those of the OHDSI Eunomia Synthea27Nj CDM's concept table;
SNOMED 61928009 (Platelet count) carries a stand-in id, 4267147."""

from __future__ import annotations

from pathlib import Path

from thrombo.io.omop import Concept, cdm_concepts, cell_text, open_tables, read_omop
from thrombo.io.omop_vocabulary import loinc_equivalents
from thrombo.io.raw import RawObservation

CDM = Path(__file__).parents[2] / "fixtures" / "realworld" / "omop_cdm"
CONCEPTS = {
    "4267147": Concept("SNOMED", "61928009", "Platelet count"),
    "3007461": Concept("LOINC", "26515-7", "Platelets [#/volume] in Blood"),
    "3024929": Concept("LOINC", "777-3", "Platelets [#/volume] in Blood by Automated count"),
    "4000001": Concept("SNOMED", "234336002", "Hemopoietic stem cell transplant"),
    "45876662": Concept("LOINC", "LA6576-8", "Positive"),
    "4181412": Concept("SNOMED", "10828004", "Positive"),
}
DOMAINS = {"4267147": "Measurement", "4000001": "Procedure", "4181412": "Meas Value",
           "3007461": "Measurement", "3024929": "Measurement", "45876662": "Meas Value"}


def link(one: str, two: str, relationship: str = "Maps to", invalid: str = "") -> dict[str, str]:
    return {"concept_id_1": one, "concept_id_2": two, "relationship_id": relationship,
            "invalid_reason": invalid}


def equivalents(*rows: dict[str, str]) -> dict[str, str]:
    found = loinc_equivalents(rows, CONCEPTS, DOMAINS, cell_text)
    return {cid: f"{c.concept_code} <- {c.mapped_from}" for cid, c in found.items()}


def test_a_snomed_measurement_with_one_loinc_partner_reads_as_it_either_way_round() -> None:
    expected = {"4267147": "26515-7 <- SNOMED 61928009 (concept 4267147)"}
    assert equivalents(link("3007461", "4267147")) == expected
    assert equivalents(link("4267147", "3007461", "Mapped from")) == expected


def test_nothing_else_is_mapped() -> None:
    # two LOINC partners: ambiguous; another relationship; a retired link
    assert equivalents(link("3007461", "4267147"), link("3024929", "4267147")) == {}
    assert equivalents(link("3007461", "4267147", "Is a")) == {}
    assert equivalents(link("3007461", "4267147", invalid="D")) == {}
    # a procedure stays a procedure; an answer code is no observation code
    assert equivalents(link("3007461", "4000001")) == {}
    assert equivalents(link("45876662", "4181412")) == {}


def test_the_cdm_reads_the_snomed_platelet_count_as_platelets_and_says_so() -> None:
    concepts = cdm_concepts(open_tables(str(CDM)))
    assert concepts.by_id["4267147"] == Concept(
        "LOINC", "26515-7", "Platelets [#/volume] in Blood",
        "SNOMED 61928009 (concept 4267147)")
    items = [i for r in read_omop(str(CDM)) for i in r.items if isinstance(i, RawObservation)]
    mapped = next(i for i in items if i.resource_id == "measurement/102")
    assert (mapped.code, mapped.value, mapped.unit) == ("26515-7", "38", "10*3/uL")
    assert mapped.extra == {"code_mapped_from": "SNOMED 61928009 (concept 4267147)"}
    # A SNOMED measurement without a LOINC partner is read by its own standard concept, so
    # that its skip names it (not "local code").
    assert next(i for i in items if i.resource_id == "measurement/106").code == (
        "http://snomed.info/sct|171207006")


def test_a_site_code_map_of_the_bare_code_still_maps_a_concept_read_as_system_and_code() -> None:
    from thrombo.normalize.codemap import CodeMap

    bare = CodeMap({"171207006": "platelets"})
    assert bare.analyte_for("http://snomed.info/sct|171207006") == "platelets"
    full = CodeMap({"http://snomed.info/sct|171207006": "platelets"})
    assert full.analyte_for("http://snomed.info/sct|171207006") == "platelets"
    assert full.analyte_for("171207006") is None
