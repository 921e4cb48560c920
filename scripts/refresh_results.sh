#!/usr/bin/env bash
# Re-runs the bundled quickstart scenario and rewrites results/README.md from it.
#
# Usage: scripts/refresh_results.sh
#
# Writes results/quickstart/ (every result file; git ignores all of it except the chart
# the README shows) and results/README.md (the comparison table and that chart). Takes
# about a minute on two cores. Results depend only on the scenario and its seed, so
# rerunning without changes reproduces the same table and the same chart bytes.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
output=$(target/release/omnilab run scenarios/quickstart.toml --out results/quickstart)

# The terminal table as a Markdown table: cells are separated by two or more spaces.
table=$(printf '%s\n' "$output" | awk '
  /^policy / { on = 1 }
  on && /^-+$/ { next }
  on && /^mean / { exit }
  on && NF {
    n = split($0, cells, /  +/)
    line = "|"
    for (i = 1; i <= n; i++) line = line " " cells[i] " |"
    print line
    if (!header++) {
      sep = "|"
      for (i = 1; i <= n; i++) sep = sep (i == 1 ? " --- |" : " ---: |")
      print sep
    }
  }')
heading=$(printf '%s\n' "$output" | head -n 1)
note=$(printf '%s\n' "$output" | grep '^mean ')
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

cat > results/README.md <<MD
# Results

What \`omnilab run\` writes lands here, one folder per scenario. Only this page and the
chart it shows are kept in git; run the scenarios to get everything else.

## ${heading}

Three DCs and 40 stores, 200 SKUs, four weeks of web, BOPIS, walk-in and marketplace
demand with a spring sale: the four routing presets against today's production rules
(\`scenarios/quickstart.toml\`). Produced by omnilab ${version} with one command:

\`\`\`sh
scripts/refresh_results.sh
\`\`\`

${table}

${note}.

![Headline KPIs of the quickstart scenario by routing policy](quickstart/charts/kpi_comparison.png)

The same run also writes, under \`results/quickstart/\`: \`report.html\` (the leadership
report with every chart, the per-channel tables and the assumptions; open it in a
browser, it needs no network), the other charts in \`charts/\` as PNG and SVG, and the
CSV files described in \`docs/metrics.md\`.
MD
echo "wrote results/README.md and results/quickstart/"
