#!/usr/bin/env bash
# Part of the podlights demo (see README.md). Works against a real cluster or `podlights sim`:
#   KUBECONFIG=/tmp/podlights-sim.kubeconfig ./crash-loop.sh
set -euo pipefail
cd "$(dirname "$0")"
K=${KUBECTL:-kubectl}
NS=podlights-demo
PAUSE=${PAUSE:-3}
$K apply -f namespace.yaml -f crashloop-v1.yaml
$K -n $NS rollout status deployment/crashloop-demo
sleep "$PAUSE"
$K apply -f crashloop-broken.yaml
# The rollout stalls: the new pod exits every few seconds (CrashLoopBackOff), v1 keeps serving.
for _ in 1 2 3 4 5 6; do $K -n $NS get pods -l app=crashloop-demo; sleep 5; done
$K -n $NS rollout undo deployment/crashloop-demo
$K -n $NS rollout status deployment/crashloop-demo
