#!/usr/bin/env bash
# Part of the podlights demo (see README.md). Works against a real cluster or `podlights sim`:
#   KUBECONFIG=/tmp/podlights-sim.kubeconfig ./failback.sh
set -euo pipefail
cd "$(dirname "$0")"
K=${KUBECTL:-kubectl}
NS=podlights-demo
PAUSE=${PAUSE:-3}
TTL=${TTL:-30}
$K --context eu -n $NS scale deployment/gslb-demo --replicas=4
$K --context eu -n $NS rollout status deployment/gslb-demo
sleep "$TTL"
$K --context eu -n $NS annotate deployment/gslb-demo podlights.io/traffic=active --overwrite
$K --context us -n $NS annotate deployment/gslb-demo podlights.io/traffic=standby --overwrite
$K --context us -n $NS scale deployment/gslb-demo --replicas=2
$K --context us -n $NS rollout status deployment/gslb-demo
