#!/usr/bin/env bash
# The project's test command: installs what the tests need and is missing, then runs `mvn -B verify`.
#
#   install/test.sh [MAVEN ARGS...]      e.g. install/test.sh -Dit.test=JupyterLabIT -Dtest=NONE
#
# What it installs: Debian packages (Maven, Chromium and its driver, Debian's Jupyter clients, which the tests
# run beside the newer ones) when it runs as root, else it names the missing ones and stops; and the project's
# Python environment (.venv: JupyterLab 4, Notebook 7, jupyter_client 8, nbclient, Selenium) with pip.
# The tests find that environment through THREADBOOK_VENV (set here; default: .venv in the repository).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

packages=(maven chromium chromium-driver jupyter-client jupyter-console jupyter-notebook python3-nbclient
          python3-nbconvert python3-jupyter-kernel-test python3-ipykernel python3-selenium)
# The environment is built on the first python3; on Debian that one needs python3-venv to make one.
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  packages+=(python3-venv)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if ((EUID != 0)); then
    echo "test.sh: the tests need Debian packages that are not installed. Install them, then run this again:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export THREADBOOK_VENV=${THREADBOOK_VENV:-$repo/.venv}
start=$SECONDS
bash install/venv.sh --tests "$THREADBOOK_VENV"
echo "Jupyter environment ready in $((SECONDS - start)) s: $THREADBOOK_VENV"

mvn -B verify "$@"
