# Sourced by scripts/test-deb and scripts/test-vm: what both need to make a
# fresh Debian 12 with the kiosk's package in it. Expects skip(), step() and
# fail() from the caller, and the current folder to be the repository.

# deb_mirror_check MIRROR: skip (through the caller's skip) unless MIRROR
# is an http:// URL whose bookworm Release file answers (plain HTTP from
# bash, no curl needed).
deb_mirror_check() {
  local mirror=$1 host path answer
  case "$mirror" in http://*) ;; *) skip "KIOSK_DEB_MIRROR must be an http:// URL (got $mirror)";; esac
  host=$(printf '%s\n' "$mirror" | sed -E 's#^[a-z]+://([^/:]+).*#\1#')
  path=$(printf '%s\n' "$mirror" | sed -E 's#^[a-z]+://[^/]+##')
  if ! answer=$(timeout 20 bash -c "exec 3<>/dev/tcp/$host/80 && printf 'HEAD $path/dists/bookworm/Release HTTP/1.1\r\nHost: $host\r\nConnection: close\r\n\r\n' >&3 && head -n1 <&3" 2>/dev/null) \
     || ! printf '%s' "$answer" | grep -Eq ' (200|30[1278])'; then
    skip "the Debian mirror $mirror does not answer (${answer:-no connection}); set KIOSK_DEB_MIRROR to one that does"
  fi
}

# deb_build_package JOBS: cpack -G DEB in a package build (build-deb/,
# KIOSK_PACKAGE=ON); sets deb to the .deb's path.
deb_build_package() {
  cmake -S . -B build-deb -DKIOSK_PACKAGE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build-deb -j"$1" >/dev/null
  rm -f build-deb/clinic-kiosk_*.deb
  (cd build-deb && cpack -G DEB >/dev/null)
  deb=$(ls build-deb/clinic-kiosk_*.deb)
}

# deb_in_root ROOT CMD...: run CMD in the chroot ROOT with a clean
# environment (only /proc is mounted there, by the caller).
deb_in_root() {
  local root=$1
  shift
  chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# deb_install_package ROOT DEB APTCACHE LOG: apt-get install ./DEB in ROOT,
# with downloaded packages kept in APTCACHE for the next run.
deb_install_package() {
  local root=$1 pkg=$2 aptcache=$3 log=$4
  mkdir -p "$aptcache"
  cp "$pkg" "$root/tmp/"
  cp "$aptcache/"*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
  deb_in_root "$root" apt-get update -q >"$log" 2>&1 || { tail -n 20 "$log" >&2; fail "apt-get update failed"; }
  if ! deb_in_root "$root" apt-get install -y -q --no-install-recommends "/tmp/$(basename "$pkg")" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    fail "apt-get install of the package failed (log above)"
  fi
  cp "$root/var/cache/apt/archives/"*.deb "$aptcache/" 2>/dev/null || true
  rm -f "$root/var/cache/apt/archives/"*.deb
}

# deb_umount_proc ROOT: unmount ROOT/proc; false when it stays mounted (then
# the caller must not delete ROOT: never remove across a mount).
deb_umount_proc() {
  local root=$1
  if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc" || umount -l "$root/proc"; fi
  ! mountpoint -q "$root/proc" 2>/dev/null
}
