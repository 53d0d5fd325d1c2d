"""Runs a notebook with a kernel and saves it with its outputs (what install.sh --execute does)."""
import argparse
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebook")
    parser.add_argument("--kernel", default="threadbook")
    parser.add_argument("--timeout", type=int, default=300, help="seconds a cell may take")
    parser.add_argument("--output", help="where to save (default: in place)")
    args = parser.parse_args()
    nb = nbformat.read(args.notebook, as_version=4)
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.timeout, record_timing=False,
                            resources={"metadata": {"path": "."}})
    try:
        client.execute()
    except CellExecutionError as e:
        # Nothing is saved: a notebook that stops half-way would hold this run's outputs up to the failed cell and
        # the shipped ones after it, with its execution counts out of order.
        print(e, file=sys.stderr)
        print("%s is left as it was." % args.notebook, file=sys.stderr)
        return 1
    nb.metadata["kernelspec"] = {"name": args.kernel, "display_name": "Java (Threadbook)", "language": "java"}
    nbformat.write(nb, args.output or args.notebook)
    return 0


if __name__ == "__main__":
    sys.exit(main())
