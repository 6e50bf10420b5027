#!/usr/bin/env bash
# Compares `poboard import orders` with sqlite3 on the same generated
# Shopify export: wall time and peak resident memory of each.
#
#   bash bench/forecast_compare.sh [LINES]      (default 1000000)
#
# Needs sqlite3 (Debian package `sqlite3`) and GNU time at /usr/bin/time.
# Everything is written under a temporary folder that is removed at exit.
set -euo pipefail

lines=${1:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "forecast_compare: $tool not found; install it with apt-get (sqlite3, time)" >&2; exit 1; }
done

cd "$root"
go build -o "$work/poboard" .
go run ./forecast/cmd/gen-orders -lines "$lines" -o "$work/orders.csv"
size=$(stat -c %s "$work/orders.csv")

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  read -r seconds kilobytes <"$work/time"
  printf '%-34s %8.2f s %8.0f rows/s %8.1f MB peak RSS\n' "$label" "$seconds" "$(echo "$lines / $seconds" | bc -l)" "$(echo "$kilobytes / 1024" | bc -l)"
}

echo "export: $lines line rows, $((size / 1024 / 1024)) MB"
measure "poboard import orders (2 passes)" \
  env XDG_STATE_HOME="$work/state" "$work/poboard" --db "$work/poboard.db" import orders --quiet --store bench "$work/orders.csv"

# sqlite3 loads the CSV and sums units per SKU and day. It does not carry
# Cancelled at down to an order's later rows, so it counts a few lines of
# cancelled orders that poboard leaves out.
measure "sqlite3 .import + GROUP BY" \
  sqlite3 "$work/bench.sqlite" \
    -cmd ".mode csv" -cmd ".import $work/orders.csv orders" \
    "CREATE TABLE daily AS SELECT \"Lineitem sku\" AS sku, substr(\"Created at\", 1, 10) AS day, sum(\"Lineitem quantity\") AS units
     FROM orders WHERE \"Cancelled at\" = '' AND \"Lineitem requires shipping\" = 'true' GROUP BY 1, 2;"

echo "database sizes: poboard $(( $(stat -c %s "$work/poboard.db") / 1024 / 1024 )) MB, sqlite $(( $(stat -c %s "$work/bench.sqlite") / 1024 / 1024 )) MB"
