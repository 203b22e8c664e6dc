#!/usr/bin/env bash
# How long `kiosk run` takes to end on SIGTERM (issue 15: target <= 300 ms).
#
#   tests/bench/stop.sh [BUILD_DIR] [ROUNDS] [DISPLAY_NUMBER]
#
# Starts Xvfb (no window manager) on :DISPLAY_NUMBER (default 60), then
# ROUNDS times (default 5): the kiosk in kiosk mode on the shipped content,
# left idle 2 s after its first frame (the loop asleep in its half-second
# waits), then SIGTERM, and prints the wall time from the signal to the
# process's exit and its exit status. Figures only; nothing is asserted
# (tests/test_cli_notify checks the exit status).
set -u
build=${1:-build}
rounds=${2:-5}
dnum=${3:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
kiosk=$(cd "$build" && pwd)/kiosk
work=$(mktemp -d /tmp/kiosk-bench-stop-XXXXXX)
Xvfb ":$dnum" -screen 0 1080x1920x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null; rm -rf "$work"' EXIT
sleep 1
for r in $(seq "$rounds"); do
  DISPLAY=":$dnum" SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy} \
    "$kiosk" run --content "$top/content" --db "$work/index.db" 2>"$work/log" &
  pid=$!
  for _ in $(seq 200); do grep -q "first frame" "$work/log" && break; sleep 0.1; done
  sleep 2
  t0=$(date +%s%N)
  kill -TERM "$pid"
  wait "$pid"
  rc=$?
  t1=$(date +%s%N)
  echo "round $r: exit status $rc, $(( (t1 - t0) / 1000000 )) ms from SIGTERM to exit"
done
