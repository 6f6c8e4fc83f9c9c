#!/usr/bin/env bash
# Population screening on a Spark cluster (or locally, to try it out): runs
# `thrombo screen DATASET --engine spark --master MASTER --out OUT`.
#
#   benchmarks/spark_submit.sh DATASET OUT [spark-submit options...]
#
# DATASET  a dataset folder (patients.csv + observations.parquet), e.g. one made by
#          `thrombo bench screen --rows N` (under .bench-cache/) or `thrombo simulate`;
#          or, with FORMAT=omop, an OMOP CDM folder (person, procedure_occurrence, ...,
#          measurement.parquet). On a cluster it must be a folder at the same path on the
#          driver and every executor (a shared mount): the small tables are read by the driver
#          as files, the observations or the measurement table by the executors.
# OUT      a shared path or any URL Spark writes (hdfs://, s3a://): OUT/patients (Parquet,
#          one row per patient, the fields of `screen --json`) and OUT/summary.json (README,
#          "At population scale: Spark on a cluster").
#
# Environment:
#   MASTER        spark master (default local[2]); e.g. spark://host:7077, yarn, k8s://...
#   FORMAT        csv-dataset (default) or omop.
#   AS_OF         screen as of this day (default: today, as `thrombo screen`).
#   THROMBO       the thrombo command (default .venv/bin/thrombo); this process is the driver.
#   PYSPARK_PYTHON  the Python the job starts with (default .venv/bin/python). The executors
#                 run Spark SQL (no Python UDF: the normal CDF of the height percentile is a
#                 polynomial in SQL) and never import thrombo; they need a Python with PySpark
#                 of the same minor version only to turn the driver's small tables into rows.
# The spark-submit options (no spaces inside one) reach Spark through PYSPARK_SUBMIT_ARGS, in
# client deploy mode (the driver is this process).
#
# Example, the cluster run this was written for (8 executors x 4 cores):
#   MASTER=yarn benchmarks/spark_submit.sh /shared/data/screen-50000000-seed0 \
#       hdfs:///results/screen-50m --num-executors 8 --executor-cores 4 \
#       --executor-memory 8g --conf spark.sql.shuffle.partitions=64
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,15p' "$0" >&2
  exit 2
fi
dataset=$1
out=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
thrombo=${THROMBO:-$here/.venv/bin/thrombo}
python=${PYSPARK_PYTHON:-$here/.venv/bin/python}
export PYSPARK_PYTHON=$python
export PYSPARK_DRIVER_PYTHON=${PYSPARK_DRIVER_PYTHON:-$python}
export PYSPARK_SUBMIT_ARGS="--conf spark.ui.showConsoleProgress=false $* pyspark-shell"
exec "$thrombo" screen "$dataset" --engine spark --master "${MASTER:-local[2]}" --out "$out" \
  --format "${FORMAT:-csv-dataset}" ${AS_OF:+--as-of "$AS_OF"}
