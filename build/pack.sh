#!/usr/bin/env bash
# build/pack.sh OUT_DIR [CONFIG_DIR]: packs this checkout's packages into the folder feed OUT_DIR:
#   FlyMpg, FlyMpg.Hangfire, FlyMpg.Telemetry (the library generated services reference) and FlyMpg.Templates (the template pack).
# Tests, build/demo.sh and build/bench.sh restore generated services from this feed, the way a user restores
# the published packages.
#
# With CONFIG_DIR, writes CONFIG_DIR/nuget.config for every project below CONFIG_DIR:
#   - OUT_DIR first among the sources of the user's NuGet config;
#   - packages folders of their own. A rebuilt package keeps its version, and NuGet takes a version it finds in a
#     packages folder without asking any source: restored into the machine's global packages folder (shared by every
#     checkout and build on the machine), a service would get whichever build of FlyMpg was extracted there first.
#     So nothing is deleted there; instead globalPackagesFolder is CONFIG_DIR/.nuget/packages, where this checkout's
#     FlyMpg packages are extracted, and fallbackPackageFolders is CONFIG_DIR/.nuget/fallback: a link to each package
#     of the machine's global packages folder but FlyMpg's, so nothing else is downloaded again.
#     NUGET_PACKAGES (read here, as the machine's folder) overrides globalPackagesFolder: unset it for the restores
#     below CONFIG_DIR.
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

if [[ -n "$config_dir" ]]; then
  mkdir -p "$config_dir"
  config_dir="$(cd "$config_dir" && pwd)"
  machine_packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  fallback="$config_dir/.nuget/fallback"
  rm -rf "$fallback" && mkdir -p "$fallback" "$config_dir/.nuget/packages"
  if [[ -d "$machine_packages" ]]; then
    for package in "$machine_packages"/*/; do
      package="${package%/}" id="${package##*/}"
      [[ "$id" == flympg || "$id" == flympg.* ]] || ln -s "$package" "$fallback/$id"
    done
  fi
  cat >"$config_dir/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<!-- Written by build/pack.sh: this checkout's packages first, then the sources of the user's NuGet config; packages
     folders of this folder's own, so no other checkout's build of FlyMpg is taken (unset NUGET_PACKAGES, which overrides them). -->
<configuration>
  <packageSources>
    <add key="flympg-local" value="$out" />
  </packageSources>
  <config>
    <add key="globalPackagesFolder" value="$config_dir/.nuget/packages" />
  </config>
  <fallbackPackageFolders>
    <add key="machine-without-flympg" value="$fallback" />
  </fallbackPackageFolders>
</configuration>
CONFIG
fi
ls "$out"/*.nupkg
