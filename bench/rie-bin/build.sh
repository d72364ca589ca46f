#!/usr/bin/env bash
# Builds the real aws-lambda-rie (github.com/aws/aws-lambda-runtime-interface-emulator) from source, offline.
# ASSUMES the GitHub snapshots are already on this machine under $MIRROR (/work/.mirror/<owner>+<name>/repo, as
# brought by the session's `fetch` tool): aws/aws-lambda-runtime-interface-emulator and one repo per module of its
# go.mod (go-chi/chi, google/uuid, jessevdk/go-flags, sirupsen/logrus, golang/sync, golang/sys, orcaman/concurrent-map,
# santhosh-tekuri/jsonschema, aws/aws-lambda-go, stretchr/testify, stretchr/objx, davecgh/go-spew,
# pmezard/go-difflib, go-yaml/yaml).
# The Go toolchain: go.mod says `go 1.25` and the code uses log/slog, so bookworm's golang-go (1.19) cannot build it.
# Debian's trixie-backports packages golang-1.25; this script downloads those two .debs with apt-get (its own
# sources list and cache under $OUT/apt, the system's apt state untouched) and unpacks them with dpkg -x under
# $OUT/go125 (the go binary is static, it runs on bookworm). Set GO=/path/to/go to use another go >= 1.25.
# Nothing is downloaded: GOPROXY=off, every module replaced by a local folder checked out at the tag go.mod names.
# Output: $OUT/aws-lambda-rie (default /work/rie-build/aws-lambda-rie); sources under $OUT, never in git.
set -euo pipefail
MIRROR=${MIRROR:-/work/.mirror}
OUT=${OUT:-/work/rie-build}
RIE_REF=${RIE_REF:-HEAD}
GO=${GO:-}
if [ -z "$GO" ]; then
  GOROOT=$OUT/go125/usr/lib/go-1.25
  if [ ! -x "$GOROOT/bin/go" ]; then
    APT=$OUT/apt
    mkdir -p "$APT/lists/partial" "$APT/cache" "$APT/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main" > "$APT/sources.list"
    O=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$APT/lists"
       -o "Dir::Cache=$APT/cache" -o "Dir::Cache::archives=$APT/archives")
    apt-get "${O[@]}" update
    (cd "$APT" && rm -f ./*.deb && apt-get "${O[@]}" download golang-1.25-go golang-1.25-src)
    rm -rf "$OUT/go125" && mkdir -p "$OUT/go125"
    for deb in "$APT"/*.deb; do dpkg -x "$deb" "$OUT/go125"; done
  fi
  export GOROOT
  GO=$GOROOT/bin/go
fi
SRC=$OUT/src
MODS=$OUT/mod
rm -rf "$SRC" "$MODS"
mkdir -p "$SRC" "$MODS"

git --git-dir="$MIRROR/aws+aws-lambda-runtime-interface-emulator/repo" archive "$RIE_REF" | tar -x -C "$SRC"
git --git-dir="$MIRROR/aws+aws-lambda-runtime-interface-emulator/repo" rev-parse "$RIE_REF" > "$OUT/RIE_COMMIT"

# module path -> mirror repo; the version is read from go.mod, the tag is v<version> (go-yaml's v3 branch tags v3.x).
declare -A REPO=(
  [github.com/aws/aws-lambda-go]=aws+aws-lambda-go
  [github.com/go-chi/chi]=go-chi+chi
  [github.com/go-chi/chi/v5]=go-chi+chi
  [github.com/google/uuid]=google+uuid
  [github.com/jessevdk/go-flags]=jessevdk+go-flags
  [github.com/orcaman/concurrent-map]=orcaman+concurrent-map
  [github.com/santhosh-tekuri/jsonschema/v5]=santhosh-tekuri+jsonschema
  [github.com/sirupsen/logrus]=sirupsen+logrus
  [github.com/stretchr/testify]=stretchr+testify
  [golang.org/x/sync]=golang+sync
  [github.com/davecgh/go-spew]=davecgh+go-spew
  [github.com/pmezard/go-difflib]=pmezard+go-difflib
  [github.com/stretchr/objx]=stretchr+objx
  [golang.org/x/sys]=golang+sys
  [gopkg.in/yaml.v3]=go-yaml+yaml
)
cd "$SRC"
"$GO" mod edit -json | node -e '
  const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
  for (const r of m.Require) console.log(r.Path, r.Version);' > "$OUT/requires.txt"
while read -r path version; do
  repo=${REPO[$path]:-}
  [ -n "$repo" ] || { echo "no mirror repo known for $path" >&2; exit 1; }
  dir="$MODS/${path//\//_}-$version"
  mkdir -p "$dir"
  git --git-dir="$MIRROR/$repo/repo" archive "$version" | tar -x -C "$dir"
  # a module without go.mod upstream (old tags) gets a minimal one, as the module proxy synthesises it
  [ -f "$dir/go.mod" ] || echo "module $path" > "$dir/go.mod"
  "$GO" mod edit -replace "$path=$dir"
done < "$OUT/requires.txt"

export GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local GONOSUMDB='*'
"$GO" version > "$OUT/GO_VERSION"
# Modules that appear only in the requirement graph of a dependency (their tests' deps, e.g. yaml.v3 -> check.v1)
# are never compiled; Go still wants their go.mod, so each gets an empty stand-in module (listed in STUBS).
: > "$OUT/STUBS"
for attempt in $(seq 1 20); do
  if "$GO" build -buildvcs=false -ldflags '-s -w' -o "$OUT/aws-lambda-rie" ./cmd/aws-lambda-rie 2> "$OUT/build.log"; then break; fi
  missing=$(tr "\n\t" "  " < "$OUT/build.log" | grep -oE 'requires[[:space:]]+[^ ]+@[^:]+: module lookup disabled' | head -1 | awk '{print $2}' | tr -d : || true)
  [ -n "$missing" ] || { cat "$OUT/build.log" >&2; exit 1; }
  path=${missing%@*}; version=${missing#*@}
  dir="$MODS/stub_${path//\//_}-$version"
  mkdir -p "$dir" && echo "module $path" > "$dir/go.mod"
  "$GO" mod edit -replace "$path@$version=$dir"
  echo "$missing" >> "$OUT/STUBS"
done
echo "built $OUT/aws-lambda-rie from $(cat "$OUT/RIE_COMMIT") with $(cat "$OUT/GO_VERSION")"
