#!/usr/bin/env bash
# Unpacks Debian's openmpi-bin (and the libraries it needs that the system lacks) into .tools/openmpi, without
# installing anything into the system: apt-get download + dpkg -x, then a wrapper .tools/openmpi/mpirun that points
# Open MPI at the unpacked tree. The multi-process tests use that mpirun (and skip when it is missing).
# Idempotent: a second run with the wrapper in place does nothing. Needs apt-get (Debian/Ubuntu) and the network.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.tools/openmpi
if [ -x "$dest/mpirun" ] && "$dest/mpirun" --version >/dev/null 2>&1; then
  echo "install-openmpi: $dest/mpirun present"
  exit 0
fi

command -v apt-get >/dev/null && command -v dpkg >/dev/null || { echo "install-openmpi: needs apt-get and dpkg"; exit 1; }
mkdir -p .tools "$dest/debs"
printf '*\n' > .tools/.gitignore # the whole folder stays out of git

# openmpi-bin and its dependency closure, less what is installed already and debconf's alternatives.
mapfile -t wanted < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances openmpi-bin 2>/dev/null | grep -v '^ ' | grep -v '^<' | sort -u)
if [ "${#wanted[@]}" -eq 0 ]; then
  apt-get update -qq || true
  mapfile -t wanted < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances openmpi-bin 2>/dev/null | grep -v '^ ' | grep -v '^<' | sort -u)
fi
missing=()
for p in "${wanted[@]}"; do
  case "$p" in cdebconf|libdebian-installer4|libnewt0.52|libtextwrap1|install-info|debconf*) continue ;; esac
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ "${#missing[@]}" -gt 0 ] || { echo "install-openmpi: found no openmpi-bin package"; exit 1; }

( cd "$dest/debs" && { apt-get download "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get download "${missing[@]}" >/dev/null 2>&1; }; } ) \
  || { echo "install-openmpi: apt-get download failed for: ${missing[*]}"; exit 1; }
rm -rf "$dest/root"
mkdir -p "$dest/root"
for deb in "$dest"/debs/*.deb; do dpkg -x "$deb" "$dest/root"; done
[ -x "$dest/root/usr/bin/orterun" ] || { echo "install-openmpi: no orterun in the unpacked packages"; exit 1; }

cat > "$dest/mpirun" <<'WRAPPER'
#!/bin/sh
# Open MPI unpacked by .ci/install-openmpi.sh: relocated with OPAL_PREFIX, libraries from the unpacked tree.
root="$(cd "$(dirname "$0")" && pwd)/root"
arch="$(ls "$root/usr/lib" | grep -m1 -- '-linux-gnu$')"
LD_LIBRARY_PATH="$root/usr/lib/$arch:$root/lib/$arch:$root/usr/lib/$arch/openmpi/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
OPAL_PREFIX="$root/usr"
OPAL_SYSCONFDIR="$root/etc/openmpi"
PMIX_MCA_pcompress_base_silence_warning=1
export LD_LIBRARY_PATH OPAL_PREFIX OPAL_SYSCONFDIR PMIX_MCA_pcompress_base_silence_warning
exec "$root/usr/bin/orterun" "$@"
WRAPPER
chmod +x "$dest/mpirun"
"$dest/mpirun" --version | head -1
echo "install-openmpi: $dest/mpirun ready (${#missing[@]} packages unpacked, $(du -sh "$dest/root" | cut -f1))"
