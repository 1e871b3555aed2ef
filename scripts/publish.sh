#!/usr/bin/env bash
# Lays out the deployable Azure Functions (custom handler) folder:
#
#   <out>/host.json                        from functions/host.json
#   <out>/<Function>/function.json         every functions/<Function>/function.json
#   <out>/<defaultExecutablePath>          the ASP.NET Core host, self-contained linux-x64 single file
#   <out>/...                              files publish keeps beside it (native libs, appsettings*.json, wwwroot)
#
# and zips it (Unix permissions kept, so the executable stays executable) for zip deployment.
#
# Usage: scripts/publish.sh [output-dir]        (default: artifacts/functionapp)
# Env:   CONFIGURATION (default Release), NO_ZIP=1 to skip the zip.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
functions_dir="$repo_root/functions"
project="$functions_dir/PrivateFlows.Functions/PrivateFlows.Functions.csproj"
configuration="${CONFIGURATION:-Release}"
runtime="linux-x64"

out="${1:-artifacts/functionapp}"
case "$out" in
  /*) ;;
  *) out="$repo_root/$out" ;;
esac
zip_path="$(dirname "$out")/$(basename "$out").zip"

fail() { echo "publish: $*" >&2; exit 1; }

[ -f "$functions_dir/host.json" ] || fail "missing $functions_dir/host.json"
[ -f "$project" ] || fail "missing $project (the ASP.NET Core host project); nothing to publish yet"
command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH"

# The executable name the Functions host starts: customHandler.description.defaultExecutablePath.
exe_name="$(sed -n 's/.*"defaultExecutablePath"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$functions_dir/host.json" | head -n 1)"
[ -n "$exe_name" ] || fail "host.json has no customHandler.description.defaultExecutablePath"
case "$exe_name" in
  */* | *\\*) fail "defaultExecutablePath '$exe_name' must be a file name at the app root" ;;
esac

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

echo "publish: dotnet publish $project ($configuration, $runtime, self-contained single file)"
dotnet publish "$project" \
  --configuration "$configuration" \
  --runtime "$runtime" \
  --self-contained true \
  --output "$staging" \
  -p:PublishSingleFile=true \
  -p:DebugType=None \
  -p:DebugSymbols=false \
  -p:GenerateDocumentationFile=false

# The apphost is named after the project's AssemblyName; host.json may name it differently.
assembly_name="$(dotnet msbuild "$project" -nologo -getProperty:AssemblyName)"
assembly_name="${assembly_name//[[:space:]]/}"
[ -f "$staging/$assembly_name" ] || fail "dotnet publish produced no executable '$assembly_name' in $staging"

rm -rf "$out"
mkdir -p "$out"
cp -R "$staging/." "$out/"
if [ "$assembly_name" != "$exe_name" ]; then
  mv "$out/$assembly_name" "$out/$exe_name"
fi
chmod 755 "$out/$exe_name"

cp "$functions_dir/host.json" "$out/host.json"
functions_found=0
for fj in "$functions_dir"/*/function.json; do
  [ -e "$fj" ] || continue
  name="$(basename "$(dirname "$fj")")"
  mkdir -p "$out/$name"
  cp "$fj" "$out/$name/function.json"
  functions_found=$((functions_found + 1))
done
[ "$functions_found" -gt 0 ] || fail "no functions/*/function.json found"

# Sanity: what the Functions host needs at the app root.
[ -x "$out/$exe_name" ] || fail "$out/$exe_name is not executable"
[ -f "$out/host.json" ] || fail "$out/host.json missing"

if [ "${NO_ZIP:-0}" != "1" ]; then
  rm -f "$zip_path"
  if command -v zip >/dev/null 2>&1; then
    (cd "$out" && zip -q -r -X "$zip_path" .)
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$out" "$zip_path" <<'PY'
import os, stat, sys, zipfile
root, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for base, _, files in os.walk(root):
        for f in files:
            full = os.path.join(base, f)
            info = zipfile.ZipInfo.from_file(full, os.path.relpath(full, root))
            info.external_attr = (stat.S_IMODE(os.stat(full).st_mode) | stat.S_IFREG) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(full, "rb") as fh:
                z.writestr(info, fh.read())
PY
  else
    fail "neither zip nor python3 is available to build $zip_path (set NO_ZIP=1 to skip)"
  fi
  echo "publish: zip $zip_path"
fi

echo "publish: $out ($functions_found functions, executable $exe_name)"
