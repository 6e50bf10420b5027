#!/usr/bin/env bash
# Scores poboard's forecasting against R's forecast package (ets and
# croston) on a generated dataset and, when present, a daily sales file.
#
#   bash bench/forecast_compare_r.sh [SALES_CSV]
#
# SALES_CSV defaults to ../shared/data/sales/daily_sku_sales_50x365.csv
# beside the repository and is skipped when missing. Needs Rscript with the
# forecast package (Debian package r-cran-forecast).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sales=${1:-$root/../shared/data/sales/daily_sku_sales_50x365.csv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v Rscript >/dev/null || { echo "forecast_compare_r: Rscript not found; install it with apt-get install r-cran-forecast" >&2; exit 1; }

cd "$root"
if [ -f "$sales" ]; then
  go run ./forecast/cmd/compare-r -out "$work" -sales "$sales"
else
  echo "forecast_compare_r: $sales not found; scoring the generated dataset only" >&2
  go run ./forecast/cmd/compare-r -out "$work"
fi
Rscript bench/forecast_compare_r.R "$work"
