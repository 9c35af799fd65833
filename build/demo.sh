#!/usr/bin/env bash
# build/demo.sh: the main job, end to end on this machine.
#
# Packs this checkout, installs the pack into a private template hive (your own `dotnet new` list is
# untouched), generates `Orders` with `dotnet new flympg-web`, builds it, starts a local PostgreSQL
# behind PgBouncer in transaction mode (build/mpg-local.sh), runs `migrate`, starts the service and
# exercises it. With a terminal it keeps serving until Ctrl+C; otherwise it stops after the checks.
#
#   build/demo.sh [extra dotnet new options, e.g. --worker hangfire]
set -Eeuo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/artifacts/demo"
hive="$work/hive"
app_dir="$work/Orders"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step() { printf '\n== %s\n' "$*"; }
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -n "${MPG_STATE_DIR:-}" ]] && "$root/build/mpg-local.sh" stop --state-dir "$MPG_STATE_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

step "pack this checkout"
rm -rf "$work" && mkdir -p "$work"
# Orders is generated inside this repo, in a folder set up as a team's repository of its own: its own build props
# (nothing of the repo's is imported), central package management and a solution. `dotnet new` writes the package
# versions to $work/Directory.Packages.props and adds Orders to $work/Demo.slnx, not to the repo's files.
printf '<Project>\n  <!-- demo barrier: nothing above this folder is imported -->\n</Project>\n' >"$work/Directory.Build.props"
cp "$work/Directory.Build.props" "$work/Directory.Build.targets"
printf '<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>\n  </PropertyGroup>\n</Project>\n' >"$work/Directory.Packages.props"
printf '<Solution>\n</Solution>\n' >"$work/Demo.slnx"
# FlyMpg, FlyMpg.Hangfire and the template pack into a local feed that $work/nuget.config adds for Orders, with
# packages folders of $work's own; NUGET_PACKAGES would override them.
bash "$root/build/pack.sh" "$work/packages" "$work" >/dev/null
unset NUGET_PACKAGES
package="$(ls "$work"/packages/FlyMpg.Templates.*.nupkg)"

step "install $(basename "$package") into a private hive"
dotnet new install "$package" --debug:custom-hive "$hive" >/dev/null
dotnet new list flympg --debug:custom-hive "$hive"

step "dotnet new flympg-web -n Orders $*"
dotnet new flympg-web -n Orders -o "$app_dir" --debug:custom-hive "$hive" "$@"

step "build (warnings are errors)"
dotnet build "$app_dir" -c Release -o "$work/bin" -nologo -clp:ErrorsOnly

step "start PostgreSQL + PgBouncer (transaction mode) on loopback"
set -a
# shellcheck disable=SC1091
. <("$root/build/mpg-local.sh" start --state-dir "$work/mpg" --owner-pid $$)
set +a
echo "Postgres 127.0.0.1:$POSTGRES_PORT, PgBouncer 127.0.0.1:$PGBOUNCER_PORT"

step "dotnet Orders.dll migrate   (DIRECT_DATABASE_URL: Postgres itself)"
(cd "$work/bin" && dotnet Orders.dll migrate)

port="$(free_port)"
step "dotnet Orders.dll   (DATABASE_URL: PgBouncer) on http://127.0.0.1:$port"
(cd "$work/bin" && exec dotnet Orders.dll --urls "http://127.0.0.1:$port") &
pids+=($!)
if [[ " $* " == *" hangfire "* ]]; then
  (cd "$work/bin" && exec dotnet Orders.dll worker --urls "http://127.0.0.1:$(free_port)") &
  pids+=($!)
fi

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "demo: the service did not become ready in 10 s" >&2; exit 1; }

step "exercise it"
set -x
curl -fsS "http://127.0.0.1:$port/readyz"; echo
curl -fsS -X POST "http://127.0.0.1:$port/todos" -H 'content-type: application/json' -d '{"title":"Deploy to Fly"}'; echo
curl -fsS "http://127.0.0.1:$port/todos"; echo
set +x

if [[ -t 0 ]]; then
  step "serving on http://127.0.0.1:$port — Ctrl+C stops the service, PgBouncer and Postgres"
  wait "${pids[0]}"
fi
