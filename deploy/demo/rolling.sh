#!/usr/bin/env bash
# Part of the podlights demo (see README.md). Works against a real cluster or `podlights sim`:
#   KUBECONFIG=/tmp/podlights-sim.kubeconfig ./rolling.sh
set -euo pipefail
cd "$(dirname "$0")"
K=${KUBECTL:-kubectl}
NS=podlights-demo
PAUSE=${PAUSE:-3}
$K apply -f namespace.yaml -f rolling-v1.yaml
$K -n $NS rollout status deployment/rolling-demo
sleep "$PAUSE"
$K apply -f rolling-v2.yaml
$K -n $NS rollout status deployment/rolling-demo
