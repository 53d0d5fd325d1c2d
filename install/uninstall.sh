#!/usr/bin/env bash
# Removes a kernelspec that install/install.sh installed (same --user / --sys-prefix / --prefix / --name).
set -euo pipefail
mode=user; prefix=""; name=threadbook
die() { echo "uninstall.sh: $*" >&2; exit 1; }
while (($#)); do
  case "$1" in
    --user) mode=user ;;
    --sys-prefix) mode=sys-prefix ;;
    --prefix) [[ $# -ge 2 ]] || die "--prefix needs a folder"; mode=prefix; prefix=$2; shift ;;
    --prefix=*) mode=prefix; prefix=${1#*=} ;;
    --name) [[ $# -ge 2 ]] || die "--name needs a name"; name=$2; shift ;;
    --name=*) name=${1#*=} ;;
    -h|--help) echo "Usage: install/uninstall.sh [--user | --sys-prefix | --prefix DIR] [--name NAME]"; exit 0 ;;
    *) die "unknown option '$1'" ;;
  esac
  shift
done
case $mode in
  user) if [[ $(uname) == Darwin ]]; then data=$HOME/Library/Jupyter; else data=${JUPYTER_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/jupyter}; fi ;;
  sys-prefix)
    python=""
    for p in "$(command -v python3 || true)" /usr/bin/python3; do
      [[ -n $p && -x $p ]] && "$p" -c 'import jupyter_client' 2>/dev/null && { python=$p; break; }
    done
    [[ -n $python ]] || die "--sys-prefix needs the Python that runs Jupyter, and none was found"
    data=$("$python" -c 'import sys; print(sys.prefix)')/share/jupyter ;;
  prefix) data=$prefix/share/jupyter ;;
esac
dir=$data/kernels/$name
[[ -f $dir/kernel.json ]] || die "no kernelspec '$name' in $data/kernels"
grep -q '"threadbook.Main"' "$dir/kernel.json" || die "$dir is not a Threadbook kernelspec; left alone"
rm -rf "$dir"
echo "Removed the kernelspec '$name' from $dir"
