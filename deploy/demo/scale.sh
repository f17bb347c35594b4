#!/usr/bin/env bash
# Part of the podlights demo (see README.md). Works against a real cluster or `podlights sim`:
#   KUBECONFIG=/tmp/podlights-sim.kubeconfig ./scale.sh
set -euo pipefail
cd "$(dirname "$0")"
K=${KUBECTL:-kubectl}
NS=podlights-demo
PAUSE=${PAUSE:-3}
$K apply -f namespace.yaml -f scale.yaml
$K -n $NS rollout status deployment/scale-demo
sleep "$PAUSE"
$K -n $NS scale deployment/scale-demo --replicas=8
$K -n $NS rollout status deployment/scale-demo
sleep "$PAUSE"
$K -n $NS scale deployment/scale-demo --replicas=2
$K -n $NS rollout status deployment/scale-demo
