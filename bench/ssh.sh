#!/usr/bin/env bash
# Benchmark the SSH board: 50 warehouse-lead sessions watch the real board
# while receipts are committed. Prints the machine, then the Go benchmark's
# figures: p50/p95 time from a receipt commit to each session's redraw, the
# p95 of the slowest session per receipt, and heap per session.
#
# Usage: bash bench/ssh.sh [ITERATIONS]   (default 100, at most 990)
set -euo pipefail
cd "$(dirname "$0")/.."

iterations="${1:-100}"
echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(go version | cut -d' ' -f3), load $(cut -d' ' -f1-3 /proc/loadavg)"
go test -run '^$' -bench 'ReceiptRedraw50Sessions' -benchtime "${iterations}x" -count 1 ./ui/sshserver
