#!/usr/bin/env bash
# Part of the podlights demo (see README.md). Works against a real cluster or `podlights sim`:
#   KUBECONFIG=/tmp/podlights-sim.kubeconfig ./blue-green.sh
set -euo pipefail
cd "$(dirname "$0")"
K=${KUBECTL:-kubectl}
NS=podlights-demo
PAUSE=${PAUSE:-3}
$K -n $NS delete deployment bluegreen-green --ignore-not-found
$K apply -f namespace.yaml -f bluegreen-blue.yaml -f bluegreen-service.yaml
$K -n $NS rollout status deployment/bluegreen-blue
sleep "$PAUSE"
$K apply -f bluegreen-green.yaml
$K -n $NS rollout status deployment/bluegreen-green
# All green pods are ready: switch the traffic at once.
$K -n $NS patch service bluegreen -p '{"spec":{"selector":{"version":"green"}}}'
sleep "$PAUSE"
$K -n $NS delete deployment bluegreen-blue
