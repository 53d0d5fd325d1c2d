#!/usr/bin/env bash
# Threadbook's benchmark: launches the kernel with a real Jupyter client (jupyter_client) and prints
# figures next to ipykernel's: cold start, first cell, trivial cell round trip (`1 + 1` and `int x = 1;`),
# the CPU the kernel's processes burn after the first cell, RSS at start and after 500 cells, printing
# 10,000 lines (first time in a session and later) and 100,000, completion, interrupting cells that stop
# in different ways, worker JVM starts (cold and pre-started, one and 4 at once), the notebooks' examples
# T1, P1, P2, A3 and R1 against their critical paths, and T1 and a CPU loop with the debugger attached;
# then, with the project's environment (.venv, or THREADBOOK_VENV), a widget slider's change to its listener
# beside ipywidgets (kernel/bench/widgets.py).
#
#   kernel/bench/run.sh [--quick] [--java PATH] [--prestart CELL]
#
#   --quick          fewer repetitions and no R1 (a run of about a minute); the full run takes longer
#   --java PATH      the java (or JDK folder) the kernel runs on; default: the one install/install.sh chooses
#   --prestart CELL  the cell that asks for N pre-started workers, {n} standing for N (default: the
#                    `%workers WORD N` that `%help workers` shows, if any)
#
# It is not a test: it never fails on a time. It builds the kernel if kernel/core/target has no jar,
# installs the kernelspec "threadbook-bench" into a temporary folder (removed at the end), and runs
# kernel/bench/benchmark.py (and its bench_*.py modules) with Debian's Jupyter and psutil (/usr/bin/python3;
# as root it installs python3-psutil when missing).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python=/usr/bin/python3
name=threadbook-bench
java_args=()
bench_args=()

usage() { sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
die() { echo "run.sh: $*" >&2; exit 2; }

while (($#)); do
  case "$1" in
    --quick) bench_args+=(--quick) ;;
    --java) [[ $# -ge 2 ]] || die "--java needs a path"; java_args=(--java "$2"); shift ;;
    --java=*) java_args=(--java "${1#*=}") ;;
    --prestart) [[ $# -ge 2 ]] || die "--prestart needs a cell"; bench_args+=(--prestart "$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
  shift
done

"$python" -c 'import jupyter_client' 2>/dev/null ||
  die "$python cannot import jupyter_client (Debian: apt-get install python3-jupyter-client)"
# psutil reads the kernels' CPU time, memory and leftover processes.
if ! "$python" -c 'import psutil' 2>/dev/null; then
  ((EUID == 0)) || die "$python cannot import psutil (Debian: sudo apt-get install python3-psutil)"
  echo "Installing python3-psutil..." >&2
  apt-get install -y -qq python3-psutil >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq python3-psutil >/dev/null; } ||
    die "could not install python3-psutil"
fi

jar=$repo/kernel/core/target/threadbook-kernel.jar
if [[ ! -f $jar || ! -d $repo/kernel/core/target/lib ]]; then
  echo "Building the kernel (mvn -q -B -DskipTests package)..." >&2
  if ((${#java_args[@]})); then
    # Build with the chosen JDK too.
    java_bin=${java_args[1]}
    [[ -d $java_bin ]] && java_bin=$java_bin/bin/java
    export JAVA_HOME
    JAVA_HOME=$(cd "$(dirname "$(readlink -f "$java_bin")")/.." && pwd)
  fi
  (cd "$repo" && mvn -q -B -DskipTests package) || die "the build failed (see above)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/threadbook-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$repo/install/install.sh" --no-build --prefix "$tmp" --name "$name" ${java_args[@]+"${java_args[@]}"} >&2
export JUPYTER_PATH=$tmp/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}

# ipykernel to compare with: register Debian's in the temporary prefix if Jupyter does not list it.
if ! "$python" -m jupyter kernelspec list 2>/dev/null | grep -q '^ *python3 '; then
  if "$python" -c 'import ipykernel' 2>/dev/null; then
    "$python" -m ipykernel install --prefix "$tmp" --name python3 >/dev/null 2>&1 ||
      echo "run.sh: could not register ipykernel; only Threadbook is measured" >&2
  fi
fi

status=0
"$python" "$repo/kernel/bench/benchmark.py" --kernel "$name" ${bench_args[@]+"${bench_args[@]}"} || status=$?

# The widgets' latency beside ipywidgets: with the project's environment (install/venv.sh), which has them.
venv=${THREADBOOK_VENV:-$repo/.venv}
if [[ -x $venv/bin/python ]] && "$venv/bin/python" -c 'import ipywidgets, ipykernel' 2>/dev/null; then
  count=200
  [[ " ${bench_args[*]-} " == *" --quick "* ]] && count=50
  "$venv/bin/python" "$repo/kernel/bench/widgets.py" --kernel "$name" --count "$count" || status=$?
else
  echo "run.sh: no widget latency: $venv has no ipywidgets (install/venv.sh makes it)" >&2
fi
exit "$status"
