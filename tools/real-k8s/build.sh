#!/usr/bin/env bash
# Build the real control plane the end-to-end suite (test/real-k8s) runs against: kube-apiserver,
# kube-controller-manager and kube-scheduler from a Kubernetes release, kwok (fake nodes and pod
# lifecycle without kubelets) and etcd + etcdctl, all with Go from the Go module proxy.
#
# Kubernetes is not `go install`-able (k8s.io/kubernetes points its staging modules at
# ./staging/... with replace directives, which a dependency's go.mod cannot do), so each component
# is built from a throwaway module in the cache that requires the release and replaces every
# staging module k8s.io/<name> with its published twin v0.<minor>.<patch>.
#
# Binaries go to ${PODLIGHTS_CACHE:-/var/cache/podlights}/<component>-<version>/bin, outside the
# clone, keyed by version: a second run finds them and is instant. Nothing here is committed.
# Usage: tools/real-k8s/build.sh            (build what is missing, print timings)
#        tools/real-k8s/build.sh --print    (print the bin directories, build nothing)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
cache="${PODLIGHTS_CACHE:-/var/cache/podlights}"
k8s_bin="$cache/k8s-$K8S_VERSION/bin"
kwok_bin="$cache/kwok-$KWOK_VERSION/bin"
etcd_bin="$cache/etcd-$ETCD_VERSION/bin"
if [ "${1:-}" = "--print" ]; then printf '%s\n' "$k8s_bin" "$kwok_bin" "$etcd_bin"; exit 0; fi

command -v go >/dev/null || { echo "real-k8s build: go not found on PATH (install Go >= 1.24)"; exit 1; }
# 2 shared cores: one package at a time per core, and no cgo (static binaries, no C toolchain).
export CGO_ENABLED=0 GOFLAGS="-mod=mod" GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
jobs="${PODLIGHTS_BUILD_JOBS:-2}"
total_start=$(date +%s)

step() { # step NAME: time what follows until the next `done_step`
  step_name="$1"; step_start=$(date +%s); echo "real-k8s build: $step_name ..."
}
done_step() { echo "real-k8s build: $step_name took $(( $(date +%s) - step_start ))s"; }

have_all() { for f in "$@"; do [ -x "$f" ] || return 1; done; }

# fresh_module DIR MODULE: an empty module to hold requires/replaces, never inside the clone.
fresh_module() {
  rm -rf "$1" && mkdir -p "$1" && (cd "$1" && go mod init "$2" >/dev/null 2>&1)
}

# go_build WORK OUT LDFLAGS NAME=PACKAGE...: builds each package of the module in WORK into OUT
# (skipping what a broken-off run already built), timing each. Returns non-zero on the first failure.
go_build() {
  local work="$1" out="$2" ldflags="$3" spec; shift 3
  mkdir -p "$out"
  for spec in "$@"; do
    [ -x "$out/${spec%%=*}" ] && continue
    step "build ${spec%%=*}"
    # Written under another name first: a build cut off mid-link leaves no binary that looks done.
    (cd "$work" && go build -p "$jobs" -trimpath -ldflags "$ldflags" -o "$out/${spec%%=*}.tmp" "${spec#*=}") || return 1
    mv "$out/${spec%%=*}.tmp" "$out/${spec%%=*}" || return 1
    done_step
  done
}

# publish OUT BIN: a complete build becomes visible to the tests in one rename.
publish() { rm -rf "$2" && mv "$1" "$2"; }

# --- Kubernetes control plane --------------------------------------------------------------------
build_k8s() {
  local minor_patch="${K8S_VERSION#v1.}" work="$cache/work/k8s-$K8S_VERSION"
  local staging_version="v0.$minor_patch"
  step "kubernetes $K8S_VERSION: resolve modules"
  fresh_module "$work" podlights.local/real-k8s-build || return 1
  local gomod
  gomod=$(cd "$work" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -nE 's/^\s*"GoMod": "(.*)",?$/\1/p')
  [ -f "$gomod" ] || { echo "real-k8s build: could not download k8s.io/kubernetes@$K8S_VERSION"; return 1; }
  # Every `k8s.io/x => ./staging/src/k8s.io/x` line of the release's go.mod becomes a replace with
  # the published twin at the same minor/patch.
  local staging m
  staging=$(sed -nE 's#^\s*(replace )?(k8s\.io/[^ ]+) => \./staging/src/.*#\2#p' "$gomod" | sort -u)
  [ -n "$staging" ] || { echo "real-k8s build: no staging modules found in $gomod"; return 1; }
  (cd "$work" && go mod edit -require="k8s.io/kubernetes@$K8S_VERSION" \
    && for m in $staging; do go mod edit -replace="$m=$m@$staging_version" || exit 1; done) || return 1
  echo "real-k8s build: $(wc -w <<<"$staging") staging modules replaced with $staging_version"
  done_step
  local ldflags="-s -w" pkg
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=${minor_patch%%.*}"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  go_build "$work" "$k8s_bin.partial" "$ldflags" \
    kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver \
    kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager \
    kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler || return 1
  publish "$k8s_bin.partial" "$k8s_bin"
}

# kwok_stages WORK: kwok ships no default stages in its binary; take the release's own "fast"
# node and pod lifecycle (and the lease heartbeat, so a node it stops managing goes NotReady the
# way a dead kubelet's does) from its module, as one multi-document YAML.
kwok_stages() {
  local dir f
  dir=$(cd "$1" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok) || return 1
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"; cat "$dir/kustomize/stage/$f" || return 1
  done
}

# --- kwok and etcd: plain modules, required by a throwaway module so their own replace directives
# (which `go install pkg@version` refuses) do not matter -------------------------------------------
build_kwok() {
  local work="$cache/work/kwok-$KWOK_VERSION"
  fresh_module "$work" podlights.local/real-k8s-kwok || return 1
  (cd "$work" && go mod edit -require="sigs.k8s.io/kwok@$KWOK_VERSION") || return 1
  go_build "$work" "$kwok_bin.partial" "-s -w" kwok=sigs.k8s.io/kwok/cmd/kwok || return 1
  kwok_stages "$work" > "$kwok_bin.partial/stages.yaml" || return 1
  publish "$kwok_bin.partial" "$kwok_bin"
}

build_etcd() {
  local work="$cache/work/etcd-$ETCD_VERSION"
  fresh_module "$work" podlights.local/real-k8s-etcd || return 1
  (cd "$work" && go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION" -require="go.etcd.io/etcd/etcdctl/v3@$ETCD_VERSION") || return 1
  go_build "$work" "$etcd_bin.partial" "-s -w" etcd=go.etcd.io/etcd/server/v3 etcdctl=go.etcd.io/etcd/etcdctl/v3 || return 1
  publish "$etcd_bin.partial" "$etcd_bin"
}

status=0
if have_all "$etcd_bin/etcd" "$etcd_bin/etcdctl"; then echo "real-k8s build: etcd $ETCD_VERSION cached in $etcd_bin"
else build_etcd || { echo "real-k8s build: etcd $ETCD_VERSION FAILED"; status=1; }; fi
if have_all "$kwok_bin/kwok" && [ -s "$kwok_bin/stages.yaml" ]; then echo "real-k8s build: kwok $KWOK_VERSION cached in $kwok_bin"
else build_kwok || { echo "real-k8s build: kwok $KWOK_VERSION FAILED"; status=1; }; fi
if have_all "$k8s_bin/kube-apiserver" "$k8s_bin/kube-controller-manager" "$k8s_bin/kube-scheduler"; then
  echo "real-k8s build: kubernetes $K8S_VERSION cached in $k8s_bin"
else build_k8s || { echo "real-k8s build: kubernetes $K8S_VERSION FAILED"; status=1; }; fi
echo "real-k8s build: total $(( $(date +%s) - total_start ))s (cache $cache)"
exit $status
