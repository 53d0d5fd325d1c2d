"""Executes a small notebook end to end with nbclient (the path nbconvert --execute and papermill take)
and checks every output; then drives one cell with `jupyter run`."""
import os
import subprocess
import sys

import nbformat
from nbclient import NotebookClient

import jupyter_client
import nbclient

kernel = os.environ.get("THREADBOOK_KERNEL", "threadbook")
print("clients: Python %s, jupyter_client %s, nbclient %s"
      % (sys.version.split()[0], jupyter_client.__version__, nbclient.__version__), flush=True)

nb = nbformat.v4.new_notebook()
nb.cells = [
    nbformat.v4.new_markdown_cell("# Smoke test"),
    nbformat.v4.new_code_cell('System.out.println("Start Task 1");\nint n = 20;'),
    nbformat.v4.new_code_cell("long fib(int k) { return k < 2 ? k : fib(k - 1) + fib(k - 2); }\nfib(n)"),
    nbformat.v4.new_code_cell('display("text/html", "<i>rich</i>");'),
    nbformat.v4.new_code_cell('System.err.println("to stderr");'),
]
client = NotebookClient(nb, kernel_name=kernel, timeout=120)
client.execute()
out = [c.get("outputs", []) for c in nb.cells if c.cell_type == "code"]
assert out[0][0]["text"] == "Start Task 1\n", out[0]
assert out[1][0]["output_type"] == "execute_result" and out[1][0]["data"]["text/plain"] == "6765", out[1]
assert out[2][0]["output_type"] == "display_data" and "text/html" in out[2][0]["data"], out[2]
assert out[3][0]["name"] == "stderr", out[3]
counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
assert counts == [1, 2, 3, 4], counts
print("nbclient: notebook executed, outputs as expected")

# nbconvert --execute (the path papermill takes too) turns the executed notebook into HTML.
import tempfile
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "smoke.ipynb")
    fresh = nbformat.v4.new_notebook()
    fresh.metadata["kernelspec"] = {"name": kernel, "display_name": "Java (Threadbook)", "language": "java"}
    fresh.cells = [nbformat.v4.new_code_cell('System.out.println("converted " + (6 * 7));')]
    nbformat.write(fresh, src)
    conv = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--execute", src],
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert conv.returncode == 0, (conv.stdout, conv.stderr)
    with open(os.path.join(tmp, "smoke.html")) as f:
        assert "converted 42" in f.read()
print("nbconvert --to html --execute: output in the HTML")

# `jupyter run` starts the kernel, runs a file as one cell and prints what it printed.
script = os.path.join(os.environ.get("TMPDIR", "/tmp"), "threadbook-run-%d.jshell" % os.getpid())
with open(script, "w") as f:
    f.write('System.out.println("printed through jupyter run: " + (40 + 2));\n')
try:
    # jupyter run's RunApp, with its 10 s bound on the first output raised: on a loaded machine the Java session alone
    # may take that long to start.
    runapp = ("import sys, jupyter_client.runapp as r; r.OUTPUT_TIMEOUT = 300; sys.argv[0] = 'jupyter-run'; r.main()")
    run = subprocess.run([sys.executable, "-c", runapp, "--kernel=" + kernel, script],
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
finally:
    os.remove(script)
assert "printed through jupyter run: 42" in run.stdout, (run.returncode, run.stdout, run.stderr)
print("jupyter run: one cell driven, output as expected")
