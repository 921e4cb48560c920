#!/usr/bin/env bash
# Re-runs every bundled scenario and rewrites results/README.md from the runs.
#
# Usage: scripts/refresh_results.sh [--page-only]
#
# --page-only rewrites the page from the runs of the last refresh (their terminal output is
# kept in results/<name>/terminal.txt) without running anything: for after editing a text.
#
# Runs each scenarios/*.toml except the scale scenarios (regional, national; see
# docs/performance.md) into results/<name>/, then writes results/README.md with, per
# scenario, its description, horizon, replications, the comparison table, its main chart
# and a short reading of the numbers. The main chart of each scenario is copied to
# results/charts/<name>.png; git keeps only that folder and the README (see .gitignore).
#
# What the script cannot compute comes from scripts/results/<name>.md, written by hand:
#
#   chart: otif_misses          the main chart (default: kpi_comparison)
#   caption: ...                the chart's alt text (default: names chart and scenario)
#   replications: 10            overrides the scenario's replications (default: its own)
#   written_for: d765729        the commit whose numbers the text below describes
#   numbers: 0123456789ab       the table's fingerprint when the text was written (the
#                               warning of a refresh prints the current one)
#
#   Two or three sentences of what the numbers say (everything after the first blank line).
#
# A new scenario without such a file still gets its section, with the default chart and
# no text. When a table no longer matches the fingerprint its text was written for, the
# script says so on stderr and in the page, so the text gets reviewed. Results depend only
# on the scenario and its seed, so a rerun without changes writes the same bytes. Took 5.4
# minutes on two busy cores, most of it fulfillment_centers (10 replications with the
# hindsight bound; its own 30 would take an estimated 11 minutes alone).
set -euo pipefail
cd "$(dirname "$0")/.."

# Scenarios that exist to measure the simulator, not to compare routing.
scale_scenarios=" regional national "
notes_dir=scripts/results
default_chart=kpi_comparison

# The value of `key: value` in a notes file's header (the lines before the first blank).
note_field() {
  local file=$1 key=$2
  [[ -f $file ]] || return 0
  awk -v key="$key" '
    !NF { exit }
    index($0, key ":") == 1 { sub(/^[^:]*: */, ""); print; exit }' "$file"
}

# The text of a notes file: everything after the header's blank line.
note_text() {
  local file=$1
  [[ -f $file ]] || return 0
  awk 'body { print } !NF && !body { body = 1 }' "$file"
}

# The top-level `description = "..."` of a scenario file.
description_of() {
  sed -n 's/^description = "\(.*\)"[[:space:]]*$/\1/p' "$1" | head -n 1
}

# The top-level `replications = N` of a scenario file.
replications_of() {
  sed -n 's/^replications = \([0-9]*\).*/\1/p' "$1" | head -n 1
}

# The terminal table of `omnilab run` as a Markdown table: cells are separated by two or
# more spaces; the first column is left-aligned, the numbers right-aligned.
markdown_table() {
  awk '
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
    }'
}

# Runs one scenario and appends its section of the page to $sections.
section_of() {
  local file=$1 name notes chart caption reps output heading table note fingerprint
  name=$(basename "$file" .toml)
  notes=$notes_dir/$name.md
  chart=$(note_field "$notes" chart)
  chart=${chart:-$default_chart}
  caption=$(note_field "$notes" caption)
  caption=${caption:-"The $chart chart of the $name scenario"}
  reps=$(note_field "$notes" replications)

  if [[ $page_only == yes ]]; then
    output=$(cat "results/$name/terminal.txt")
  else
    echo "running $name" >&2
    output=$(target/release/omnilab run "$file" --out "results/$name" \
      ${reps:+--replications "$reps"})
    printf '%s\n' "$output" > "results/$name/terminal.txt"
  fi
  heading=$(printf '%s\n' "$output" | head -n 1)
  table=$(printf '%s\n' "$output" | markdown_table)
  note=$(printf '%s\n' "$output" | grep '^mean ' || true)
  fingerprint=$(printf '%s\n' "$table" | sha256sum | cut -c 1-12)

  cp "results/$name/charts/$chart.png" "results/charts/$name.png"

  {
    printf '## %s\n\n' "$heading"
    printf '`scenarios/%s.toml`: %s\n\n' "$name" "$(description_of "$file")"
    if [[ -n $reps ]]; then
      printf 'Run here with `--replications %s` instead of the scenario'"'"'s %s, to keep the refresh\n' \
        "$reps" "$(replications_of "$file")"
      printf 'short; `omnilab run scenarios/%s.toml` runs them all.\n\n' "$name"
    fi
    printf '%s\n\n' "$table"
    [[ -n $note ]] && printf '%s.\n\n' "$note"
    printf '![%s](charts/%s.png)\n\n' "$caption" "$name"
    printf 'Main chart: `%s`; the run'"'"'s other charts, CSV files and `report.html` are in\n' "$chart"
    printf '`results/%s/` after a refresh.\n\n' "$name"
    interpretation "$notes" "$name" "$fingerprint"
  } >> "$sections"
}

# The hand-written reading of a scenario's numbers, marked when the numbers have moved.
interpretation() {
  local notes=$1 name=$2 fingerprint=$3 text written_for expected
  text=$(note_text "$notes")
  [[ -n $text ]] || return 0
  written_for=$(note_field "$notes" written_for)
  expected=$(note_field "$notes" numbers)
  printf '%s\n\n' "$text"
  printf '_This reading was written by hand for the numbers of commit `%s`; the table and\n' "${written_for:-unknown}"
  printf 'chart above are regenerated on every refresh._'
  if [[ $fingerprint != "$expected" ]]; then
    echo "warning: $name: the table has changed since $notes was written; review its text" \
      "(fingerprint now $fingerprint)" >&2
    printf ' **The table has changed since: this reading may\nbe out of date.**'
  fi
  printf '\n\n'
}

page_only=no
case ${1-} in
  --page-only) page_only=yes ;;
  "") ;;
  *) echo "usage: scripts/refresh_results.sh [--page-only]" >&2; exit 2 ;;
esac

[[ $page_only == yes ]] || cargo build --release --quiet
mkdir -p results
rm -rf results/charts
mkdir results/charts
sections=$(mktemp)
trap 'rm -f "$sections"' EXIT

# quickstart first, as the lab's introduction; then the rest in file-name order.
scenarios=(scenarios/quickstart.toml)
for file in scenarios/*.toml; do
  name=$(basename "$file" .toml)
  [[ $scale_scenarios == *" $name "* || $name == quickstart ]] || scenarios+=("$file")
done
for file in "${scenarios[@]}"; do
  section_of "$file"
done

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
{
  cat <<MD
# Results

What the lab says about each bundled scenario, produced by omnilab ${version} with one
command:

\`\`\`sh
scripts/refresh_results.sh
\`\`\`

It runs every \`scenarios/*.toml\` except the two scale scenarios, \`regional\` and
\`national\`: they exist to measure the simulator's speed, not to compare routing rules,
and a run of them takes far longer than the rest together (see \`docs/performance.md\`).
Each section below shows the scenario's description, its comparison table (mean ±95%
interval over the replications; \`*\` marks a difference from the baseline policy that is
significant in a paired comparison) and the chart that shows what the scenario is about.
The tables and charts are regenerated on every refresh; the short reading under each
was written by hand for the commit it names. Only this page and the charts it shows are
kept in git; a refresh also leaves every result file, including the leadership report
\`report.html\` and all charts as PNG and SVG, in \`results/<scenario>/\` (the files are
described in \`docs/metrics.md\`).

MD
  # Every section ends with a blank line; the page ends with the last line of text.
  sed '$ { /^$/d }' "$sections"
} > results/README.md
echo "wrote results/README.md and results/charts/ from ${#scenarios[@]} scenarios" >&2
