#!/usr/bin/env bash
# Compiles and lints infra/main.bicep with the Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64, pinned in
# Directory.Packages.props and brought in by infra/tools/BicepTools.csproj). Fails on any error or warning:
# `bicep lint` exits 1 only on errors (bicepconfig.json raises the rules to error), and `bicep build` exits 0
# on warnings, so its output is checked too. The compiled template goes to .ci-out/infra/main.json (ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

dotnet restore infra/tools/BicepTools.csproj -nologo -v:quiet >/dev/null
bicep=$(dotnet msbuild infra/tools/BicepTools.csproj -nologo -getProperty:BicepCli)
if [[ ! -x "$bicep" ]]; then
  echo "infra/check.sh: Bicep CLI not found at '$bicep'" >&2
  exit 1
fi
"$bicep" --version

mkdir -p .ci-out/infra
out=.ci-out/infra/bicep.log
status=0

echo "bicep build infra/main.bicep"
"$bicep" build infra/main.bicep --outfile .ci-out/infra/main.json >"$out" 2>&1 || status=$?
cat "$out"
if [[ $status -ne 0 ]] || grep -qE ': (Warning|Error) ' "$out"; then
  echo "infra/check.sh: bicep build reported errors or warnings" >&2
  exit 1
fi

echo "bicep lint infra/main.bicep"
"$bicep" lint infra/main.bicep >"$out" 2>&1 || status=$?
cat "$out"
if [[ $status -ne 0 ]] || grep -qE ': (Warning|Error|Info) ' "$out"; then
  echo "infra/check.sh: bicep lint reported findings" >&2
  exit 1
fi

echo "infra/check.sh: main.bicep compiles and lints clean ($(( $(date +%s) - started ))s)"
