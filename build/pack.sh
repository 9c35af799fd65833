#!/usr/bin/env bash
# build/pack.sh OUT_DIR [CONFIG_DIR]: packs this checkout's packages into the folder feed OUT_DIR:
#   FlyMpg, FlyMpg.Hangfire, FlyMpg.Telemetry (the library generated services reference) and FlyMpg.Templates (the template pack).
# Tests, build/demo.sh and build/bench.sh restore generated services from this feed, the way a user restores
# the published packages. A rebuilt package keeps its version, so the copies NuGet cached from an earlier
# pack are removed from the global packages folder: the next restore takes the fresh one from OUT_DIR.
# With CONFIG_DIR, writes CONFIG_DIR/nuget.config, which adds OUT_DIR to the sources of every project below it.
set -Eeuo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: build/pack.sh OUT_DIR [CONFIG_DIR]}"
config_dir="${2:-}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

for project in src/FlyMpg/FlyMpg.csproj src/FlyMpg.Hangfire/FlyMpg.Hangfire.csproj src/FlyMpg.Telemetry/FlyMpg.Telemetry.csproj Templates.csproj; do
  dotnet pack "$root/$project" -c Release -o "$out" -nologo -clp:ErrorsOnly -v quiet
done

packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$packages/flympg" "$packages/flympg.hangfire" "$packages/flympg.telemetry"
if [[ -n "$config_dir" ]]; then
  mkdir -p "$config_dir"
  cat >"$config_dir/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<!-- Written by build/pack.sh: this checkout's packages first, then the sources of the user's NuGet config. -->
<configuration>
  <packageSources>
    <add key="flympg-local" value="$out" />
  </packageSources>
</configuration>
CONFIG
fi
ls "$out"/*.nupkg
