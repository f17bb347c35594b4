#!/usr/bin/env bash
# Part of the podlights demo (see README.md). Works against a real cluster or `podlights sim`:
#   KUBECONFIG=/tmp/podlights-sim.kubeconfig ./latency-autoscale.sh
set -euo pipefail
cd "$(dirname "$0")"
K=${KUBECTL:-kubectl}
NS=podlights-demo
PAUSE=${PAUSE:-3}
# Plays the latency operator of seed 003 by hand: one replica more while latency is above
# 100 ms, one fewer when well below. A real cluster has no simulated load, so the steps follow
# the load profile the simulator uses (ramp up, hold, ramp down).
$K apply -f namespace.yaml -f autoscale.yaml
$K -n $NS rollout status deployment/autoscale-demo
for replicas in 2 3 4 5 6 7 8; do
  sleep "$PAUSE"; $K -n $NS scale deployment/autoscale-demo --replicas=$replicas
done
sleep $((PAUSE * 3))
for replicas in 7 6 5 4 3 2 1; do
  sleep "$PAUSE"; $K -n $NS scale deployment/autoscale-demo --replicas=$replicas
done
$K -n $NS rollout status deployment/autoscale-demo
