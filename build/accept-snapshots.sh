#!/usr/bin/env bash
# Accepts snapshot changes: moves every `*.received` folder the snapshot tests wrote over its `.verified` twin.
# Read the diff the failing test printed (or `git diff` afterwards) before committing what this moved.
#
#   build/accept-snapshots.sh            # accept all
#   build/accept-snapshots.sh hangfire   # accept only snapshots whose name contains "hangfire"
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
snapshots="$repo/tests/FlyMpg.Templates.Tests/Snapshots"
filter="${1:-}"

if [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; then
  echo "accept-snapshots: refusing to run with CI=$CI; accept snapshots locally, after reading the diff." >&2
  exit 1
fi

if [[ ! -d "$snapshots" ]]; then
  echo "accept-snapshots: no snapshot folder at $snapshots" >&2
  exit 1
fi

moved=0
while IFS= read -r -d '' received; do
  name="$(basename "$received" .received)"
  if [[ -n "$filter" && "$name" != *"$filter"* ]]; then
    continue
  fi
  verified="${received%.received}.verified"
  if [[ -d "$verified" ]]; then
    summary="$(diff -rq "$verified" "$received" | sed "s#$snapshots/##g" || true)"
    rm -rf "$verified"
    echo "updated  $name.verified"
  else
    summary=""
    echo "created  $name.verified ($(find "$received" -type f | wc -l | tr -d ' ') files)"
  fi
  [[ -n "$summary" ]] && printf '%s\n' "$summary" | sed 's/^/           /'
  mv "$received" "$verified"
  moved=$((moved + 1))
done < <(find "$snapshots" -mindepth 1 -maxdepth 1 -type d -name '*.received' -print0 | sort -z)

if [[ $moved -eq 0 ]]; then
  echo "accept-snapshots: nothing to accept (no *.received folder${filter:+ matching \"$filter\"} under ${snapshots#"$repo"/})."
else
  echo "accept-snapshots: accepted $moved snapshot(s). Review with: git status -- tests/FlyMpg.Templates.Tests/Snapshots && git diff"
fi
