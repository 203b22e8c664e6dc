#!/usr/bin/env bash
# The kiosk on real display set-ups: first frame, memory and idle CPU.
#
#   tests/bench/screen.sh [BUILD_DIR] [ROUNDS]
#
# For each set-up (bare Xvfb 1920x1080; cage headless through Xwayland;
# cage headless with SDL's native Wayland driver) starts the kiosk in kiosk
# mode ROUNDS times (default 3) and prints the first frame after the process
# started (the kiosk's own log line, counted from the start the kernel
# records for the process, with where the time went), the same from a clock
# outside (a wrapper notes the time just before it execs the kiosk; the
# kiosk logs the wall time of its first frame), the CPU the process used
# until then (less sensitive to a busy machine than the wall time), and,
# from the last round, resident memory and CPU over 10 s of idling.
# Targets: first frame <= 150 ms, RSS <= 64 MB, idle CPU <= 1 %.
# Cage refuses to run as root: run as root, this script uses (and creates if
# needed) the system user 'kiosk-bench'. Figures only; nothing is asserted.
set -u
build=${1:-build}
rounds=${2:-3}
top=$(cd "$(dirname "$0")/../.." && pwd)
kiosk=$(cd "$build" && pwd)/kiosk
work=$(mktemp -d /tmp/kiosk-bench-screen-XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
hz=$(getconf CLK_TCK)
# The clock outside: the time (ns) just before the kiosk's exec, in $T0.
printf '#!/bin/sh\ndate +%%s%%N > "$T0"\nexec "$@"\n' > "$work/t0-exec"
chmod 755 "$work/t0-exec"

# utime+stime of pid in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Wait for the kiosk's "first frame" line in $1 (up to 20 s).
wait_first_frame() {
  for _ in $(seq 200); do
    grep -aq "first frame after" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# report NAME LOG PID LAST: print the figures of one round.
report() {
  local name=$1 log=$2 pid=$3 last=$4 line cpu outside
  line=$(grep -ao "first frame after.*" "$log" | head -1)
  cpu=$(cpu_ticks "$pid")
  outside=$(awk -v t0="$(cat "$work/t0" 2>/dev/null)" '
    match($0, /unix time [0-9]+\.[0-9]+/) { split(substr($0, RSTART + 10, RLENGTH - 10), p, ".");
      if (t0 != "") printf "%.0f", (p[1] - substr(t0, 1, 10)) * 1000 + p[2] - substr(t0, 11, 3) }' <<<"$line")
  printf '%-22s %s; from outside %s ms; CPU until then %d ms\n' "$name" "${line:-no first frame (see $log)}" \
    "${outside:-?}" $((cpu * 1000 / hz))
  if [ "$last" = 1 ] && [ -n "$line" ]; then
    local c0 c1
    sleep 2
    c0=$(cpu_ticks "$pid")
    sleep 10
    c1=$(cpu_ticks "$pid")
    printf '%-22s RSS %s MB (peak %s MB), CPU while idle %s %%\n' "$name" \
      "$(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/"$pid"/status)" \
      "$(awk '/VmHWM/ {printf "%.1f", $2/1024}' /proc/"$pid"/status)" \
      "$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN {printf "%.2f", 100 * (b - a) / hz / 10}')"
  fi
}

# ------------------------------------------------------------ bare Xvfb
if command -v Xvfb >/dev/null; then
  for n in $(seq 300 399); do [ -e /tmp/.X11-unix/X$n ] || break; done
  Xvfb :$n -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
  xpid=$!
  sleep 1
  "$kiosk" run --content "$top/content" --db "$work/xvfb.db" >/dev/null 2>&1 & # build the index once
  sleep 3; kill $! 2>/dev/null; wait $! 2>/dev/null
  for r in $(seq "$rounds"); do
    DISPLAY=:$n T0="$work/t0" "$work/t0-exec" "$kiosk" run --content "$top/content" --db "$work/xvfb.db" 2>"$work/xvfb.log" &
    k=$!
    wait_first_frame "$work/xvfb.log"
    report "Xvfb 1920x1080" "$work/xvfb.log" $k $([ "$r" = "$rounds" ] && echo 1 || echo 0)
    kill $k; wait $k 2>/dev/null
  done
  kill $xpid; wait $xpid 2>/dev/null
else
  echo "Xvfb 1920x1080: skipped (no Xvfb; Debian package xvfb)"
fi

# ------------------------------------------------------------ cage
if ! command -v cage >/dev/null; then
  echo "cage: skipped (no cage; Debian packages cage and xwayland)"
  exit 0
fi
user=$(id -un)
if [ "$(id -u)" = 0 ]; then
  user=kiosk-bench
  id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
fi
as_user() { if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi; }
chown "$user" "$work"
# cage_round NAME DRIVER LAST: one kiosk under a fresh headless cage.
cage_round() {
  local name=$1 driver=$2 last=$3 xdg="$work/xdg" log="$work/cage.log" cpid k
  rm -rf "$xdg" "$work/t0"; mkdir -m 700 "$xdg"; chown "$user" "$xdg"
  as_user env -i PATH=/usr/bin:/bin HOME="$work" XDG_RUNTIME_DIR="$xdg" WLR_BACKENDS=headless \
    WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 ${driver:+SDL_VIDEODRIVER=$driver} T0="$work/t0" \
    cage -- "$work/t0-exec" "$kiosk" run --content "$top/content" --db "$work/cage.db" >"$log" 2>&1 &
  cpid=$!
  wait_first_frame "$log"
  k=$(pgrep -n -f "^$kiosk run" -u "$user")
  report "$name" "$log" "${k:-0}" "$last"
  pkill -TERM -P $cpid 2>/dev/null; kill $cpid 2>/dev/null; wait $cpid 2>/dev/null
  # The next round starts only once this kiosk has gone (it stops when its
  # display server does): two rounds' kiosks must not share the log.
  for _ in $(seq 30); do [ -n "$k" ] && kill -0 "$k" 2>/dev/null || break; sleep 0.1; done
  [ -n "$k" ] && kill "$k" 2>/dev/null
  return 0
}
cage_round "(index build)" "" 0 >/dev/null
for r in $(seq "$rounds"); do cage_round "cage, Xwayland" "" $([ "$r" = "$rounds" ] && echo 1 || echo 0); done
for r in $(seq "$rounds"); do cage_round "cage, native Wayland" wayland $([ "$r" = "$rounds" ] && echo 1 || echo 0); done
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores)"
