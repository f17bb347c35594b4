#!/usr/bin/env bash
# Part of the podlights demo (see README.md). Works against a real cluster or `podlights sim`:
#   KUBECONFIG=/tmp/podlights-sim.kubeconfig ./failover.sh
set -euo pipefail
cd "$(dirname "$0")"
K=${KUBECTL:-kubectl}
NS=podlights-demo
PAUSE=${PAUSE:-3}
# Needs two contexts, eu and us (podlights sim writes both). TTL is the GSLB DNS TTL of seed 000.
TTL=${TTL:-30}
$K --context eu apply -f namespace.yaml -f gslb-eu.yaml
$K --context us apply -f namespace.yaml -f gslb-us.yaml
$K --context eu -n $NS rollout status deployment/gslb-demo
$K --context us -n $NS rollout status deployment/gslb-demo
sleep "$PAUSE"
# eu goes down.
$K --context eu -n $NS scale deployment/gslb-demo --replicas=0
sleep "$TTL"
# Clients have followed DNS to us.
$K --context eu -n $NS annotate deployment/gslb-demo podlights.io/traffic=standby --overwrite
$K --context us -n $NS annotate deployment/gslb-demo podlights.io/traffic=active --overwrite
$K --context us -n $NS scale deployment/gslb-demo --replicas=4
$K --context us -n $NS rollout status deployment/gslb-demo
