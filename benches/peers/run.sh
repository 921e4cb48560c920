#!/usr/bin/env bash
# The side-by-side peer run: the same M/M/c model (c = 3, exponential picks of mean 10
# minutes, arrivals at 80% of capacity) in omnilab (examples/mmc.rs: the engine and its
# multi-server station, as SimPy's Resource; and the same queue through the simulator's full
# order lifecycle) and in SimPy (mmc_simpy.py), on this machine, one after the other.
# Prints customers per second for each and the ratios.
#
# Usage: benches/peers/run.sh [rust_days] [simpy_customers] [repeats]
# Needs Python 3 with the SimPy version pinned in requirements.txt:
#   pip install -r benches/peers/requirements.txt
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rust_days="${1:-3000}"
simpy_customers="${2:-200000}"
repeats="${3:-3}"

cd "$root"
cargo build --release --quiet --example mmc

echo "== omnilab: $rust_days days of arrivals (about $((rust_days * 3456 / 10)) customers), best of $repeats"
rust_out="$(target/release/examples/mmc "$rust_days" "$repeats")"
echo "$rust_out"

echo "== SimPy: $simpy_customers customers, best of $repeats"
simpy_out="$(python3 "$here/mmc_simpy.py" "$simpy_customers" "$repeats")"
echo "$simpy_out"

rate() { sed -n 's/^customers_per_second=//p' <<<"$1"; }
rust_rate="$(rate "$rust_out")"
simpy_rate="$(rate "$simpy_out")"
lifecycle_rate="$(sed -n 's/^lifecycle_customers_per_second=//p' <<<"$rust_out")"
ratio() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.1f", r / s }'; }
echo "== customers per second: omnilab engine + station $rust_rate, SimPy $simpy_rate," \
  "ratio $(ratio "$rust_rate" "$simpy_rate")"
echo "== omnilab full order lifecycle $lifecycle_rate customers per second," \
  "ratio to SimPy $(ratio "$lifecycle_rate" "$simpy_rate")"
