#!/bin/bash
# build.sh CACHE_DIR - builds (or reuses) the lab VM image; prints "IMAGE <dir>" last.
#
# <dir> holds vmlinuz, initrd.img and image.ext4 (Debian 12, Debian's own kernel, ifupdown2,
# FRR, the host's node binary). Modelled on the verified recipe in ../shared/e2e/vmlab.
# Two cache levels, each keyed by a hash of its inputs:
#   base-<A>/rootfs     debootstrap + kernel modules     A = suite, packages, mirror, kernel package, modclosure.py
#   images/<B>/         initrd + ext4 image               B = A + this script + initramfs-init + vm-init.sh + node binary
# A change to an input rebuilds only what depends on it; old entries are pruned (last 2 kept).
# Needs root (debootstrap, chroot). Installs debootstrap, qemu-system-x86, e2fsprogs if missing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
C=${1:?usage: build.sh CACHE_DIR}
mkdir -p "$C/debs" "$C/logs" "$C/images"
now() { date +%s.%N; }
el() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
log() { echo "[lab-image $(date +%T)] $*" >&2; }
[ "$(id -u)" = 0 ] || { log "must run as root (debootstrap, chroot)"; exit 1; }

SUITE=bookworm
PACKAGES=iproute2,ifupdown2,iputils-ping,iptables,kmod,frr,frr-pythontools,procps
NODE_BIN=$(command -v node)

# ------------------------------------------------------------------ host packages
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v mke2fs >/dev/null || need+=(e2fsprogs)
kpkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
KPKG=$(kpkg || true)
if [ ${#need[@]} -gt 0 ] || [ -z "$KPKG" ]; then
  log "apt-get update"; apt-get update -qq
  KPKG=$(kpkg)
fi
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
KV=${KPKG#linux-image-}
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=$(awk '$1=="deb" && $3 == "'$SUITE'" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || { log "no Debian mirror in the apt sources"; exit 1; }

KEY_A=$(printf '%s\n' "$SUITE" "$PACKAGES" "$MIRROR" "$KPKG" "$(cat "$HERE/modclosure.py")" | sha256sum | cut -c1-16)
NODE_ID=$("$NODE_BIN" --version)-$(stat -c %s "$NODE_BIN")-$(sha256sum "$NODE_BIN" | cut -c1-16)
KEY_B=$(printf '%s\n' "$KEY_A" "$NODE_ID" "$(cat "$0" "$HERE/initramfs-init" "$HERE/vm-init.sh")" | sha256sum | cut -c1-16)
OUT=$C/images/$KEY_B
if [ -e "$OUT/ready" ]; then
  log "cached image $KEY_B (base $KEY_A, $KPKG, node $NODE_ID)"
  echo "IMAGE $OUT"; exit 0
fi
T0=$(now)
log "building image $KEY_B (base $KEY_A, $KPKG, node $NODE_ID) in $C"

# ------------------------------------------------------------------ kernel (Debian's own)
K=$C/kernel-$KV
if [ ! -e "$K/.done" ]; then
  t=$(now)
  ls "$C/debs/${KPKG}_"*.deb >/dev/null 2>&1 || (cd "$C/debs" && apt-get download "$KPKG" 2>&1 | grep -v unsandboxed >&2 || true)
  rm -rf "$K"; mkdir -p "$K"
  dpkg -x "$C/debs/${KPKG}_"*.deb "$K"
  for c in NET_VRF VLAN_8021Q BRIDGE_VLAN_FILTERING DUMMY VXLAN BRIDGE VETH VIRTIO_NET; do
    grep -qE "^CONFIG_$c=[ym]" "$K/boot/config-$KV" || { log "kernel lacks CONFIG_$c"; exit 1; }
  done
  touch "$K/.done"
  log "kernel $KV extracted in $(el "$t")s"
fi

# ------------------------------------------------------------------ base rootfs (debootstrap + modules)
B=$C/base-$KEY_A
if [ ! -e "$B/.done" ]; then
  t=$(now)
  rm -rf "$B"; mkdir -p "$B"
  log "debootstrap $SUITE from $MIRROR (about 1.5 min)"
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$B/rootfs" "$MIRROR" > "$C/logs/debootstrap.log" 2>&1 \
    || { tail -20 "$C/logs/debootstrap.log" >&2; exit 1; }
  R=$B/rootfs
  rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/cache/apt/*.bin "$R"/var/lib/apt/lists/* \
         "$R"/usr/share/doc/* "$R"/usr/share/man/* "$R"/usr/share/info/* "$R"/usr/share/locale/*
  echo sdnlab > "$R/etc/hostname"
  log "debootstrap done in $(el "$t")s"
  # modules.dep for the extracted kernel, built with the rootfs' depmod (the host may lack kmod)
  t=$(now)
  if [ ! -s "$K/lib/modules/$KV/modules.dep" ]; then
    mkdir -p "$R/tmp/fullk"; mount --bind "$K" "$R/tmp/fullk"
    chroot "$R" depmod -b /tmp/fullk "$KV" || true
    umount "$R/tmp/fullk"; rmdir "$R/tmp/fullk"
  fi
  rm -rf "$R"/lib/modules/*; mkdir -p "$R/lib/modules/$KV"
  (cd "$K/lib/modules/$KV" && python3 "$HERE/modclosure.py" . rootfs | xargs cp --parents -t "$R/lib/modules/$KV" \
     && cp modules.order modules.builtin modules.builtin.modinfo "$R/lib/modules/$KV/")
  chroot "$R" depmod -a "$KV"
  touch "$B/.done"
  log "modules copied in $(el "$t")s"
fi

# ------------------------------------------------------------------ image: node binary, init, initramfs, ext4
t=$(now)
W=$C/images/.work-$KEY_B
rm -rf "$W" "$OUT"; mkdir -p "$W"
R=$B/rootfs
install -D -m 0755 "$NODE_BIN" "$R/usr/local/bin/node"
install -D -m 0755 "$HERE/vm-init.sh" "$R/sdnlab/init.sh"
mkdir -p "$R/repo" "$R/lab-out"
# busybox initramfs with the modules needed to reach the root disk and the 9p shares
ls "$C/debs/busybox-static_"*.deb >/dev/null 2>&1 || (cd "$C/debs" && apt-get download busybox-static 2>&1 | grep -v unsandboxed >&2 || true)
dpkg -x "$C/debs/busybox-static_"*.deb "$W/bb"
I=$W/initramfs.d
mkdir -p "$I/bin" "$I/lib/modules"
cp "$W/bb/bin/busybox" "$I/bin/"
install -m 0755 "$HERE/initramfs-init" "$I/init"
python3 "$HERE/modclosure.py" "$K/lib/modules/$KV" load virtio_pci virtio_blk crc32c_generic crc32c_intel ext4 9pnet_virtio 9p > "$I/modules.load"
(cd "$K/lib/modules/$KV" && xargs cp --parents -t "$I/lib/modules" < "$I/modules.load")
(cd "$I" && find . | "$W/bb/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -1 > "$W/initrd.img")
cp "$K/boot/vmlinuz-$KV" "$W/vmlinuz"
mke2fs -q -t ext4 -L sdnlab -d "$R" "$W/image.ext4" 2G
rm -rf "$W/bb" "$I"
printf 'kernel %s\nnode %s\nbase %s\n' "$KV" "$NODE_ID" "$KEY_A" > "$W/ready"
mv "$W" "$OUT"
log "image built in $(el "$t")s ($(du -sh "$OUT" | cut -f1) used); total build $(el "$T0")s"

# prune: keep the 2 newest images and bases
touch "$B" "$K" "$OUT"
prune() { ls -1dt "$@" 2>/dev/null | tail -n +3 | while read -r d; do log "pruning $d"; rm -rf "$d"; done; }
prune "$C"/images/[0-9a-f]*
prune "$C"/base-*
prune "$C"/kernel-*
echo "IMAGE $OUT"
