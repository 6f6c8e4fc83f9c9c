#!/usr/bin/env bash
# Population screening on a Spark cluster with spark-submit (or locally, to try it out).
#
#   benchmarks/spark_submit.sh DATASET OUT [spark-submit options...]
#
# DATASET  a dataset folder (patients.csv + observations.parquet), e.g. one made by
#          `thrombo bench screen --rows N` (under .bench-cache/) or `thrombo simulate`;
#          or, with FORMAT=omop, an OMOP CDM folder (person, procedure_occurrence, ...,
#          measurement.parquet). On a cluster it must be on storage every node reads (HDFS,
#          S3, a shared mount); the small tables are read by the driver, the observations or
#          the measurement table by the executors.
# OUT      where the per-patient results go (Parquet, one row per patient).
#
# Environment:
#   MASTER        spark master (default local[2]); e.g. yarn, spark://host:7077, k8s://...
#   FORMAT        csv-dataset (default) or omop.
#   PYSPARK_PYTHON  the Python the job starts with (default .venv/bin/python). The executors
#                 run Spark SQL only (no Python UDF: the normal CDF of the height percentile
#                 is a polynomial in SQL), so they need no Python packages.
#   SPARK_SUBMIT  the spark-submit to use (default: the one pyspark installs in .venv/bin).
#
# The driver needs thrombo installed (pip install -e . or the wheel): the job compiles the
# criteria to Spark SQL there and reads the small tables through the normal readers.
#
# Example, the cluster run this was written for (8 executors x 4 cores):
#   MASTER=yarn benchmarks/spark_submit.sh hdfs:///data/screen-50000000-seed0 \
#       hdfs:///results/screen-50m --deploy-mode client --num-executors 8 \
#       --executor-cores 4 --executor-memory 8g --conf spark.sql.shuffle.partitions=64
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
dataset=$1
out=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
submit=${SPARK_SUBMIT:-$here/.venv/bin/spark-submit}
python=${PYSPARK_PYTHON:-$here/.venv/bin/python}
export PYSPARK_PYTHON=$python
export PYSPARK_DRIVER_PYTHON=${PYSPARK_DRIVER_PYTHON:-$python}
exec "$submit" --master "${MASTER:-local[2]}" \
  --conf spark.sql.session.timeZone=UTC \
  --conf spark.ui.showConsoleProgress=false \
  "$@" \
  "$here/thrombo/rules/batch/spark_job.py" "$dataset" --out "$out" \
  --format "${FORMAT:-csv-dataset}"
