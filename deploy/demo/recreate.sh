#!/usr/bin/env bash
# Part of the podlights demo (see README.md). Works against a real cluster or `podlights sim`:
#   KUBECONFIG=/tmp/podlights-sim.kubeconfig ./recreate.sh
set -euo pipefail
cd "$(dirname "$0")"
K=${KUBECTL:-kubectl}
NS=podlights-demo
PAUSE=${PAUSE:-3}
$K apply -f namespace.yaml -f recreate-v1.yaml
$K -n $NS rollout status deployment/recreate-demo
sleep "$PAUSE"
$K apply -f recreate-v2.yaml
$K -n $NS rollout status deployment/recreate-demo
