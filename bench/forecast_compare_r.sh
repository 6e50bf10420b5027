#!/usr/bin/env bash
# Scores poboard's forecasting against R's forecast package (ets and
# croston) on a generated dataset and a daily sales file.
#
#   bash bench/forecast_compare_r.sh [SALES_CSV]
#
# SALES_CSV is a daily sales file with columns ds, y and sku; it defaults
# to testdata/sales/daily_sku_sales_50x365.csv. Needs Rscript with the
# forecast package (Debian package r-cran-forecast).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sales=${1:-$root/testdata/sales/daily_sku_sales_50x365.csv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v Rscript >/dev/null || { echo "forecast_compare_r: Rscript not found; install it with apt-get install r-cran-forecast" >&2; exit 1; }

cd "$root"
[ -f "$sales" ] || { echo "forecast_compare_r: sales file $sales not found; pass a file with columns ds, y and sku" >&2; exit 1; }
go run ./forecast/cmd/compare-r -out "$work" -sales "$sales"
Rscript bench/forecast_compare_r.R "$work"
