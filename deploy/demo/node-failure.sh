#!/usr/bin/env bash
# Part of the podlights demo (see README.md). Works against a real cluster or `podlights sim`:
#   KUBECONFIG=/tmp/podlights-sim.kubeconfig ./node-failure.sh
set -euo pipefail
cd "$(dirname "$0")"
K=${KUBECTL:-kubectl}
NS=podlights-demo
PAUSE=${PAUSE:-3}
# kubectl cannot pull a node's plug; draining is the closest: the pods move, the node stays.
NODE=${NODE:-eu-arm64-1}
$K apply -f namespace.yaml -f nodefail.yaml
$K -n $NS rollout status deployment/nodefail-demo
sleep "$PAUSE"
$K drain "$NODE" --ignore-daemonsets --delete-emptydir-data
$K -n $NS rollout status deployment/nodefail-demo
sleep "$PAUSE"
$K uncordon "$NODE"
