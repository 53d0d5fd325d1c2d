#!/usr/bin/env bash
# Creates (or checks) the project's own Python virtual environment with JupyterLab 4 and Notebook 7, installed
# with pip: what install.sh --with-jupyter sets up for users and what install/test.sh runs the tests with.
#
#   install/venv.sh [--course] [--tests] [DIR]
#
# DIR defaults to .venv in the repository (git ignores it). --course adds nbgrader 0.9.5, for instructors who
# grade the exercises (notebooks/README.md). --tests adds what only the tests use: Selenium, and nbgrader (the
# tests drive it). nbgrader comes from the wheel folder ../shared/wheels beside the repository when there is
# one (THREADBOOK_WHEELS names another), else from the package index (PyPI).
# An environment that already holds the right versions is left as it is, so running this again costs seconds.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tests=0
course=0
dir=""
while (($#)); do
  case "$1" in
    --tests) tests=1; course=1 ;;
    --course) course=1 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "venv.sh: unknown option '$1'" >&2; exit 2 ;;
    *) dir=$1 ;;
  esac
  shift
done
dir=${dir:-$repo/.venv}
die() { echo "venv.sh: $*" >&2; exit 1; }

# What the environment must hold, as pip requirements, and the import check that tells it holds them.
packages=("jupyterlab>=4,<5" "notebook>=7,<8" "jupyter_client>=8,<9" "nbclient>=0.10,<1" "nbconvert>=7,<8"
          "nbformat>=5" "ipykernel>=6" "ipywidgets>=8,<9" "jupyterlab_widgets>=3,<4")
# jupyterlab_widgets is the widget manager of JupyterLab 4 and Notebook 7: without it the Java widgets
# (threadbook.api.widgets) show as their text only.
check='
import jupyterlab, notebook, jupyter_client, nbclient, nbconvert, nbformat, ipykernel, ipywidgets, jupyterlab_widgets
major = lambda m: int(m.__version__.split(".")[0])
assert major(jupyterlab) == 4 and major(notebook) == 7 and major(jupyter_client) == 8, "old versions"
assert major(jupyterlab_widgets) == 3, "jupyterlab_widgets " + jupyterlab_widgets.__version__
'
if ((tests)); then
  packages+=("selenium>=4.10")
  check+='
import selenium.webdriver'
fi
pip_options=()
if ((course)); then
  packages+=("nbgrader==0.9.5")
  # Its version from the package's metadata: importing nbgrader takes seconds. It runs alembic from PATH to
  # create its gradebook, so the environment's bin must hold that.
  check+='
import os, sys
from importlib.metadata import version
assert version("nbgrader") == "0.9.5", "nbgrader " + version("nbgrader")
assert os.access(os.path.join(os.path.dirname(sys.executable), "alembic"), os.X_OK), "no alembic"'
fi
# The course tools' wheels (nbgrader, papermill, jupytext, nbval) where pip's index lacks them: ../shared/wheels
# beside the clone (as on the course's CI machines), or the folder THREADBOOK_WHEELS names.
wheels=${THREADBOOK_WHEELS:-$(dirname "$repo")/shared/wheels}
if [[ -d $wheels ]]; then
  pip_options+=(--find-links "$(cd "$wheels" && pwd)")
fi

# Course tools: papermill with Threadbook's Java translator (install/python/threadbook-papermill) for everyone;
# jupytext, nbval and pytest for the tests, which fail without them. pip's index may not serve them: the wheels
# in ../shared/wheels beside the clone (as on the course's CI machines) are used when that folder is there.
translator=$repo/install/python/threadbook-papermill
packages+=("papermill>=2.4,<3" "$translator")
check+="
import filecmp, papermill, threadbook_papermill, threadbook_papermill_engine
for m in (threadbook_papermill, threadbook_papermill_engine):
    assert filecmp.cmp(m.__file__, '$translator/' + m.__name__ + '.py', shallow=False), 'old translator'"
if ((tests)); then
  packages+=("jupytext>=1.16" "nbval>=0.10" "pytest>=7")
  check+='
import jupytext, nbval, pytest'
fi

if [[ -x $dir/bin/python ]] && "$dir/bin/python" -c "$check" 2>/dev/null; then
  echo "The Jupyter environment in $dir is up to date."
  exit 0
fi

# The Python to build it on: THREADBOOK_PYTHON, else the first python3 on PATH. JupyterLab 4 needs 3.9+.
base=${THREADBOOK_PYTHON:-$(command -v python3 || true)}
[[ -n $base ]] || die "no python3 was found. Install Python 3.9 or newer (Debian: apt-get install python3 python3-venv)."
"$base" -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
  die "$base is Python $("$base" -c 'import sys; print(sys.version.split()[0])'); JupyterLab 4 needs 3.9 or newer."

if [[ ! -x $dir/bin/python ]]; then
  echo "Creating a Python virtual environment in $dir (with $base)..."
  "$base" -m venv "$dir" 2>&1 || {
    rm -rf "$dir"
    die "'$base -m venv' failed. On Debian/Ubuntu install the venv module: apt-get install python3-venv"
  }
fi
echo "Installing JupyterLab 4, Notebook 7 and the Jupyter clients$( ((course)) && echo ", nbgrader") into $dir with pip..."
start=$SECONDS
# No retries and a short timeout: an index that cannot be reached (an offline mirror's fallback) is given up on
# at once instead of after minutes of retries; the index that can be reached answers well within 3 s.
"$dir/bin/python" -m pip install --disable-pip-version-check --retries 0 --timeout 3 -q ${pip_options[@]+"${pip_options[@]}"} \
    "${packages[@]}" ||
  die "pip could not install ${packages[*]} (see above). Is the package index reachable?$( ((course)) &&
      echo " An index without nbgrader (a local mirror) needs its wheel: put it in ${wheels} or name its folder in THREADBOOK_WHEELS.")"
"$dir/bin/python" -c "$check" || die "the environment in $dir still lacks what it needs (see above)"
"$dir/bin/python" - <<'PY'
import jupyterlab, notebook, jupyter_client, nbclient
print("  JupyterLab %s, Notebook %s, jupyter_client %s, nbclient %s"
      % (jupyterlab.__version__, notebook.__version__, jupyter_client.__version__, nbclient.__version__))
from importlib.metadata import version, PackageNotFoundError
try:
    print("  nbgrader %s" % version("nbgrader"))
except PackageNotFoundError:
    pass
PY
echo "  installed in $((SECONDS - start)) s"
