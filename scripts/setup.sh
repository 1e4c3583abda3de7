#!/usr/bin/env bash
# Installs every package regsim needs to build, test and analyse, from Debian 12.
# Idempotent: when everything is present it changes nothing and makes no network call.
# Usage: scripts/setup.sh [--bench]   (--bench: also the benchmarks' peer, graph-tool)
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config git clang-format
  libboost-graph-dev libtbb-dev libhdf5-dev hdf5-tools zlib1g-dev libisal-dev
  libcxxopts-dev libtomlplusplus-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # analysis (Debian's python3, /usr/bin/python3)
  python3 python3-h5py python3-xarray python3-h5netcdf python3-pandas
  python3-matplotlib python3-scipy python3-pytest python3-networkx
)

# graph-tool is large and only scripts/bench_watts.sh compares against it.
[ "${1:-}" = --bench ] && packages+=(python3-graph-tool)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
