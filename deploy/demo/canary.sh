#!/usr/bin/env bash
# Part of the podlights demo (see README.md). Works against a real cluster or `podlights sim`:
#   KUBECONFIG=/tmp/podlights-sim.kubeconfig ./canary.sh
set -euo pipefail
cd "$(dirname "$0")"
K=${KUBECTL:-kubectl}
NS=podlights-demo
PAUSE=${PAUSE:-3}
$K -n $NS delete deployment canary-next --ignore-not-found
$K apply -f namespace.yaml -f canary-stable-v1.yaml -f canary-service.yaml
$K -n $NS rollout status deployment/canary-stable
sleep "$PAUSE"
$K apply -f canary-next.yaml
$K -n $NS rollout status deployment/canary-next
# In production: watch metrics and logs of the canary for a while.
sleep $((PAUSE * 2))
$K apply -f canary-stable-v2.yaml
$K -n $NS rollout status deployment/canary-stable
$K -n $NS delete deployment canary-next
