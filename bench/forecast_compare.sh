#!/usr/bin/env bash
# Compares `poboard import orders` with sqlite3 on the same generated
# Shopify export: wall time and peak resident memory (RSS) of each, run
# back to back on the same machine.
#
#   bash bench/forecast_compare.sh [LINES] [RUNS]    (defaults 1000000, 3)
#
# Needs sqlite3, hyperfine and GNU time at /usr/bin/time (Debian packages
# sqlite3, hyperfine, time). Everything is written under a temporary
# folder that is removed at exit.
set -euo pipefail

lines=${1:-1000000}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in sqlite3 hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "forecast_compare: $tool not found; install it with apt-get install sqlite3 hyperfine time" >&2; exit 1; }
done

cd "$root"
go build -o "$work/poboard" .
go run ./forecast/cmd/gen-orders -end 2026-01-01 -lines "$lines" -o "$work/orders.csv"
echo "export: $lines line rows, $(( $(stat -c %s "$work/orders.csv") / 1024 / 1024 )) MB; $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"

import="env XDG_STATE_HOME=$work/state $work/poboard --db $work/poboard.db import orders --quiet --store bench $work/orders.csv"
# sqlite3 loads the CSV and sums units per SKU and day. It does not carry
# Cancelled at down to an order's later rows, so it counts a few lines of
# cancelled orders that poboard leaves out.
cat >"$work/daily.sql" <<'SQL'
CREATE TABLE daily AS
SELECT "Lineitem sku" AS sku, substr("Created at", 1, 10) AS day, sum("Lineitem quantity") AS units
FROM orders WHERE "Cancelled at" = '' AND "Lineitem requires shipping" = 'true' GROUP BY 1, 2;
SQL
sqlite="sqlite3 $work/bench.sqlite -cmd '.mode csv' -cmd '.import $work/orders.csv orders' '.read $work/daily.sql'"

# Wall time: each run into a fresh database, all runs of poboard first.
hyperfine --runs "$runs" --style basic \
  --prepare "rm -f $work/poboard.db" -n "poboard import orders" "$import" \
  --prepare "rm -f $work/bench.sqlite" -n "sqlite3 .import + GROUP BY" "$sqlite"

# Peak RSS of one more run of each, and of a re-import that changes nothing.
peak() { # label, command
  rm -f "$work/time"
  /usr/bin/time -f "%e %M" -o "$work/time" bash -c "$2" >/dev/null
  read -r seconds kilobytes <"$work/time"
  printf '%-34s %7.2f s %8.1f MB peak RSS\n' "$1" "$seconds" "$(echo "$kilobytes / 1024" | bc -l)"
}
rm -f "$work/poboard.db" "$work/bench.sqlite"
peak "poboard import orders" "$import"
peak "poboard import orders, again" "$import"
peak "sqlite3 .import + GROUP BY" "$sqlite"
echo "database sizes: poboard $(( $(stat -c %s "$work/poboard.db") / 1024 / 1024 )) MB, sqlite $(( $(stat -c %s "$work/bench.sqlite") / 1024 / 1024 )) MB"
