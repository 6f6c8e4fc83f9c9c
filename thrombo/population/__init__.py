"""Population screening: whole dataset folders, OMOP CDMs and databases, screened in bulk.

This is where sources are read for the engines (`thrombo.engines`): a dataset folder's or a
CDM's lab rows checked in place by DuckDB (`dataset_folder`, `omop_cdm`, `checked_rows`,
`dataset_views`, `row_accounting`), the cluster job on Spark (`spark_job`), and the choice
between them and the reference path (`screen`).
"""
