#!/usr/bin/env bash
# Builds Threadbook and installs its Jupyter kernelspec ("Java (Threadbook)").
#
#   install/install.sh [--user | --sys-prefix | --prefix DIR] [--name NAME] [--java PATH]
#                      [--no-build] [--no-archive] [--with-jupyter] [--venv DIR] [--execute]
#                      [--max-heap SIZE] [--max-threads N] [--max-workers N] [--max-output SIZE]
#
# Run install/install.sh --help for what each option does.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=user
prefix=""
name=threadbook
java_arg=""
build=1
archive=1
with_jupyter=0
venv=$repo/.venv
execute=0
limits=()   # "SETTING=value" pairs for kernel.json's env

usage() {
  cat <<'USAGE'
Usage: install/install.sh [options]

Builds the kernel with Maven and installs the kernelspec "Java (Threadbook)".

Where the kernelspec goes (like `jupyter kernelspec install`):
  --user             ~/.local/share/jupyter/kernels/NAME (the default)
  --sys-prefix       PREFIX/share/jupyter/kernels/NAME for the Python that runs Jupyter
  --prefix DIR       DIR/share/jupyter/kernels/NAME

Other options:
  --name NAME        kernelspec name (default: threadbook)
  --java PATH        the java (or JDK folder) the kernel runs on; default: $JAVA_HOME,
                     else the newest JDK 17+ found on PATH and in the usual JDK folders
  --no-build         install the jars already built in kernel/*/target
  --no-archive       skip the start-up archive (a training run of about 15 s that makes every kernel
                     start faster; see README "How fast it starts")
  --with-jupyter     first install JupyterLab 4 and Notebook 7 with pip into a virtual environment of
                     the project's own (.venv in the repository, or --venv DIR); no root needed
  --venv DIR         that environment's folder (default: .venv in the repository)
  --execute          afterwards, run every notebook in notebooks/ with the kernel and save the outputs

Limits per kernel (written into kernel.json's "env"; each names itself in the error a cell gets):
  --max-heap SIZE    memory of the Java process that runs the cells and of each worker, e.g. 1g
                     (THREADBOOK_MAX_HEAP; default: the JVM's, 1/4 of the machine's memory)
  --max-threads N    threads the notebook may have running at once (THREADBOOK_MAX_THREADS; default
                     12000, or 3/4 of the account's process limit if lower)
  --max-workers N    worker processes alive at once, pre-started ones included (THREADBOOK_MAX_WORKERS;
                     default 4 per core, at most one per 512 MB of memory, at least 8, at most 64)
  --max-output SIZE  what one cell may print to stdout, and to stderr, e.g. 8m (THREADBOOK_MAX_OUTPUT;
                     default 8m); the rest is dropped with a note
  -h, --help         this text
USAGE
}

die() { echo "install.sh: $*" >&2; exit 1; }

while (($#)); do
  case "$1" in
    --user) mode=user ;;
    --sys-prefix) mode=sys-prefix ;;
    --prefix) [[ $# -ge 2 ]] || die "--prefix needs a folder"; mode=prefix; prefix=$2; shift ;;
    --prefix=*) mode=prefix; prefix=${1#*=} ;;
    --name) [[ $# -ge 2 ]] || die "--name needs a name"; name=$2; shift ;;
    --name=*) name=${1#*=} ;;
    --java) [[ $# -ge 2 ]] || die "--java needs a path"; java_arg=$2; shift ;;
    --java=*) java_arg=${1#*=} ;;
    --no-build) build=0 ;;
    --no-archive) archive=0 ;;
    --with-jupyter) with_jupyter=1 ;;
    --venv) [[ $# -ge 2 ]] || die "--venv needs a folder"; venv=$2; shift ;;
    --venv=*) venv=${1#*=} ;;
    --execute) execute=1 ;;
    --max-heap|--max-threads|--max-workers|--max-output)
      [[ $# -ge 2 ]] || die "$1 needs a value"; set -- "$1=$2" "${@:3}"; continue ;;
    --max-heap=*) [[ ${1#*=} =~ ^[0-9]+[kKmMgG]?$ ]] || die "--max-heap takes a size such as 512m or 2g, not '${1#*=}'"
      limits+=("THREADBOOK_MAX_HEAP=${1#*=}") ;;
    --max-output=*) [[ ${1#*=} =~ ^[0-9]+[kKmMgG]?$ ]] || die "--max-output takes a size such as 512k or 8m, not '${1#*=}'"
      limits+=("THREADBOOK_MAX_OUTPUT=${1#*=}") ;;
    --max-threads=*) [[ ${1#*=} =~ ^[1-9][0-9]*$ ]] || die "--max-threads takes a number, not '${1#*=}'"
      limits+=("THREADBOOK_MAX_THREADS=${1#*=}") ;;
    --max-workers=*) [[ ${1#*=} =~ ^[1-9][0-9]*$ ]] || die "--max-workers takes a number, not '${1#*=}'"
      limits+=("THREADBOOK_MAX_WORKERS=${1#*=}") ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
  shift
done
[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "a kernel name may hold only letters, digits, '.', '_' and '-': '$name'"

# --- the JDK --------------------------------------------------------------------------------
# The feature version of a java binary (17, 21, 25...), or nothing if it is not a JDK with JShell.
jdk_version() {
  local java=$1 home
  [[ -x $java ]] || return 1
  home=$(cd "$(dirname "$(readlink -f "$java")")/.." && pwd)
  [[ -x $home/bin/jshell ]] || return 1   # a JRE has no JShell; the kernel needs the jdk.jshell module
  "$java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

java_from() {  # a java binary, or a JDK folder holding bin/java
  if [[ -d $1 ]]; then echo "$1/bin/java"; else echo "$1"; fi
}

why=""
if [[ -n $java_arg ]]; then
  java=$(readlink -f "$(java_from "$java_arg")") || die "--java $java_arg: no such file"
  why="given with --java"
elif [[ -n ${JAVA_HOME:-} ]]; then
  java=$(readlink -f "$JAVA_HOME/bin/java") || die "JAVA_HOME=$JAVA_HOME holds no bin/java"
  why="from JAVA_HOME"
else
  best=""; best_version=0
  candidates=()
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for j in /usr/lib/jvm/*/bin/java /usr/local/lib/jvm/*/bin/java /opt/*/bin/java /opt/java/*/bin/java \
           "$HOME"/.sdkman/candidates/java/*/bin/java "$HOME"/.jdks/*/bin/java; do
    [[ -x $j ]] && candidates+=("$j")
  done
  for j in "${candidates[@]}"; do
    j=$(readlink -f "$j")
    v=$(jdk_version "$j" 2>/dev/null || true)
    [[ -n $v ]] || continue
    if ((v > best_version)); then best=$j; best_version=$v; fi
  done
  [[ -n $best ]] || die "no JDK 17 or newer with JShell was found. Install one (Debian: apt-get install openjdk-17-jdk) or pass --java PATH."
  java=$best
  why="the newest JDK found (of ${#candidates[@]} java installations looked at)"
fi
version=$(jdk_version "$java" || true)
[[ -n $version ]] || die "$java is not a JDK with JShell (a JRE is not enough: the kernel needs jdk.jshell)"
((version >= 17)) || die "$java is Java $version; Threadbook needs Java 17 or newer"
java_home=$(cd "$(dirname "$java")/.." && pwd)
echo "Java: $java (Java $version, $why)"
if ((version < 21)); then
  echo "  note: Java $version runs everything but virtual threads; the notebook cells that need Java 21+ say so."
  echo "        Pass --java with a JDK 21+ to run them."
fi

# --- Jupyter --------------------------------------------------------------------------------
[[ $venv == /* ]] || venv=$PWD/$venv
if ((with_jupyter)); then
  bash "$repo/install/venv.sh" "$venv" || die "the Jupyter environment could not be set up (see above)"
fi
# The Python that runs Jupyter: with --with-jupyter the project's environment; else the first python3 on PATH that
# can import jupyter_client (an environment the user activated), then the project's environment, then Debian's
# (whose Notebook 6 still works).
find_python() {
  local p
  local candidates=("$(command -v python3 || true)" "$venv/bin/python" /usr/bin/python3)
  ((with_jupyter)) && candidates=("$venv/bin/python")
  for p in "${candidates[@]}"; do
    [[ -n $p && -x $p ]] && "$p" -c 'import jupyter_client' 2>/dev/null && { echo "$p"; return 0; }
  done
  return 1
}
python=$(find_python || true)

# --- build ----------------------------------------------------------------------------------
if ((build)); then
  command -v mvn >/dev/null 2>&1 || die "Maven is needed to build the kernel (Debian: apt-get install maven), or pass --no-build"
  echo "Building with Maven (JDK $java_home)..."
  (cd "$repo" && JAVA_HOME=$java_home mvn -q -B -DskipTests package) || die "the build failed (see above)"
fi
lib=$repo/kernel/core/target/lib
jar=$repo/kernel/core/target/threadbook-kernel.jar
[[ -f $jar && -d $lib ]] || die "no built kernel in kernel/core/target: run without --no-build"

# --- kernelspec -----------------------------------------------------------------------------
case $mode in
  user)
    if [[ $(uname) == Darwin ]]; then data=$HOME/Library/Jupyter; else data=${JUPYTER_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/jupyter}; fi ;;
  sys-prefix)
    [[ -n $python ]] || die "--sys-prefix needs the Python that runs Jupyter, and none was found"
    data=$("$python" -c 'import sys; print(sys.prefix)')/share/jupyter ;;
  prefix)
    [[ -n $prefix ]] || die "--prefix needs a folder"
    mkdir -p "$prefix"
    data=$(cd "$prefix" && pwd)/share/jupyter ;;
esac
dir=$data/kernels/$name
rm -rf "$dir"
mkdir -p "$dir/lib"
cp "$jar" "$lib"/*.jar "$dir/lib/"
cp "$repo/install/logo/logo-32x32.png" "$repo/install/logo/logo-64x64.png" "$dir/"
# --- start-up archive -----------------------------------------------------------------------
# A short notebook session (threadbook.Main --train) on JVMs that record the classes they load and the
# methods that run hot; the kernel and its Java process then start from that archive (the JDK's AOT cache
# from JDK 24, a CDS archive before) instead of reading, verifying and linking javac, JShell and JDI again.
# It lives beside the jars it was made from: as private as they are, and gone with them. A JVM that finds
# it stale (another JDK build, changed jars) ignores it and starts as without it; but JDK 25 before 25.0.4
# does not notice changed jars (JDK-8377932) and would run the old classes: this script makes a new archive
# whenever it copies the jars, and jars copied into a kernelspec by hand need this script run again.
# The kernel JVM's own options, the same for the training run (an archive is made for them): one a line
# in install/kernel-jvm.options, which says why each is there.
kernel_opts=()
while IFS= read -r line; do
  [[ $line =~ ^[[:space:]]*(#|$) ]] || kernel_opts+=("$line")
done < "$repo/install/kernel-jvm.options"
archive_opts=()
agent_jar=$(cd "$dir/lib" && ls threadbook-agent-*.jar | head -n 1)
if ((archive)); then
  echo "Training the start-up archive (a short session on Java $version)..."
  train_log=$dir/lib/training.log
  if ((version >= 24)); then
    # The first worker JVM of the session records too (threadbook.worker.aotconf): lib/worker.aot below.
    if THREADBOOK_LOG=WARNING THREADBOOK_AGENT_OPTS="-XX:AOTMode=record -XX:AOTConfiguration=$dir/lib/agent.aotconf -Xlog:aot=off -Xlog:cds=off -Dthreadbook.worker.aotconf=$dir/lib/worker.aotconf" \
         "$java" "${kernel_opts[@]}" -XX:AOTMode=record -XX:AOTConfiguration="$dir/lib/kernel.aotconf" -Xlog:aot=off -Xlog:cds=off \
           -cp "$dir/lib/*" threadbook.Main --train >"$train_log" 2>&1 &&
       "$java" "${kernel_opts[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$dir/lib/kernel.aotconf" \
           -XX:AOTCache="$dir/lib/kernel.aot" -Xlog:aot=error -cp "$dir/lib/*" >>"$train_log" 2>&1 &&
       # The agent JVM runs under the debugger (JDWP), which an AOT cache with linked classes refuses.
       "$java" -XX:AOTMode=create -XX:-AOTClassLinking -XX:AOTConfiguration="$dir/lib/agent.aotconf" \
           -XX:AOTCache="$dir/lib/agent.aot" -Xlog:aot=error -cp "$dir/lib/$agent_jar" >>"$train_log" 2>&1; then
      archive_opts=("-XX:AOTCache=$dir/lib/kernel.aot" -Xlog:aot=off -Xlog:cds=off)
      # Worker JVMs find lib/worker.aot beside the agent's jar (threadbook.workers.WorkerOptions); without it
      # they start as before, from an archive of their own in the user's private folder.
      [[ -s $dir/lib/worker.aotconf ]] &&
        "$java" -XX:+UseSerialGC -XX:AOTMode=create -XX:AOTConfiguration="$dir/lib/worker.aotconf" \
            -XX:AOTCache="$dir/lib/worker.aot" -Xlog:aot=error -cp "$dir/lib/$agent_jar" >>"$train_log" 2>&1 ||
        rm -f "$dir/lib/worker.aot"
    fi
    rm -f "$dir/lib/kernel.aotconf" "$dir/lib/agent.aotconf" "$dir/lib/worker.aotconf"
  else
    # The agent runs under the debugger (JDWP), with which a JVM cannot write a CDS archive as it exits:
    # it lists the classes it loads instead, and a second JVM makes the archive from that list.
    if THREADBOOK_LOG=WARNING THREADBOOK_AGENT_OPTS="-XX:DumpLoadedClassList=$dir/lib/agent.classlist" \
         "$java" "${kernel_opts[@]}" -XX:ArchiveClassesAtExit="$dir/lib/kernel.jsa" -Xlog:cds=off \
           -cp "$dir/lib/*" threadbook.Main --train >"$train_log" 2>&1 && [[ -s $dir/lib/kernel.jsa ]] &&
       "$java" -Xshare:dump -XX:SharedClassListFile="$dir/lib/agent.classlist" -XX:SharedArchiveFile="$dir/lib/agent.jsa" \
           -Xlog:cds=off -cp "$dir/lib/$agent_jar" >>"$train_log" 2>&1; then
      archive_opts=("-XX:SharedArchiveFile=$dir/lib/kernel.jsa" -Xlog:cds=off)
    fi
    rm -f "$dir/lib/agent.classlist"
  fi
  if ((${#archive_opts[@]})); then
    rm -f "$train_log"
  else
    rm -f "$dir/lib/"*.aot "$dir/lib/"*.jsa
    echo "  note: the start-up archive could not be made (see $train_log); the kernel starts without it."
  fi
fi

display="Java (Threadbook)"
[[ $name == threadbook ]] || display="Java (Threadbook, $name)"
json_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
jvm_opts=""
for o in "${kernel_opts[@]}" ${archive_opts[@]+"${archive_opts[@]}"}; do jvm_opts+="$(json_string "$o"), "; done
env_json=""
for pair in ${limits[@]+"${limits[@]}"}; do
  env_json+="${env_json:+, }$(json_string "${pair%%=*}"): $(json_string "${pair#*=}")"
done
cat > "$dir/kernel.json" <<JSON
{
  "argv": [$(json_string "$java"), $jvm_opts"-cp", $(json_string "$dir/lib/*"),
           "threadbook.Main", "-f", "{connection_file}"],
  "display_name": $(json_string "$display"),
  "language": "java",
  "interrupt_mode": "message",
  "env": {$env_json},
  "metadata": {"debugger": true, "threadbook": {"java": $(json_string "$java"), "java_version": $version}}
}
JSON
echo "Installed the kernelspec '$name' in $dir"

if [[ -z $python ]]; then
  echo "Jupyter was not found. Run this script again with --with-jupyter: it installs JupyterLab 4 with pip"
  echo "  into $venv (or install JupyterLab yourself: pip install jupyterlab)."
else
  # Does that Jupyter see the kernelspec? (It does for --user and --sys-prefix; --prefix needs JUPYTER_PATH.)
  if "$python" -c 'import os, sys
from jupyter_client.kernelspec import KernelSpecManager
found = KernelSpecManager().find_kernel_specs().get(sys.argv[1])
sys.exit(0 if found and os.path.realpath(found) == os.path.realpath(sys.argv[2]) else 1)' "$name" "$dir" 2>/dev/null; then
    echo "The Jupyter of $python finds it."
  else
    echo "note: the Jupyter of $python does not find it by itself; set JUPYTER_PATH=$data to use it."
  fi
fi

# --- run the notebooks ----------------------------------------------------------------------
if ((execute)); then
  [[ -n $python ]] || die "--execute needs Jupyter (nbclient); see above"
  shopt -s nullglob
  notebooks=("$repo"/notebooks/*.ipynb)
  ((${#notebooks[@]})) || die "no notebooks in $repo/notebooks"
  export JUPYTER_PATH=$data${JUPYTER_PATH:+:$JUPYTER_PATH}
  for nb in "${notebooks[@]}"; do
    echo "Running $(basename "$nb")..."
    "$python" "$repo/install/run_notebook.py" --kernel "$name" "$nb" || die "$(basename "$nb") failed (see above)"
  done
  echo "All notebooks ran; their outputs are saved in them."
  # The tests check the committed outputs' times, not these: a busy machine measures smaller speed-ups.
  if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
    echo "(The times are this machine's; git checkout notebooks/ brings back the ones shipped with the course.)"
  fi
fi

# --- how to open the notebooks --------------------------------------------------------------
# With the Jupyter of the Python that found the kernelspec: its own `jupyter` command if it has one.
jupyter=""
if [[ -n $python ]]; then
  jupyter="$python -m jupyter"
  [[ -x $(dirname "$python")/jupyter ]] && jupyter=$(dirname "$python")/jupyter
fi
if [[ -n $python ]] && "$python" -c 'import jupyterlab' 2>/dev/null; then
  echo
  echo "Open the notebooks in JupyterLab (and pick the kernel \"$display\"):"
  echo "  $jupyter lab $(printf '%q' "$repo/notebooks")"
elif [[ -n $python ]]; then
  echo
  echo "Open the notebooks with: $jupyter notebook $(printf '%q' "$repo/notebooks")"
  echo "  (for JupyterLab 4, run this script again with --with-jupyter)"
fi
