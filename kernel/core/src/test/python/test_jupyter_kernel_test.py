"""jupyter_kernel_test's protocol conformance suite, run against the installed Threadbook kernel.

The kernelspec name comes from THREADBOOK_KERNEL (install.sh --prefix ... --name ...), and Jupyter
finds it through JUPYTER_PATH. Every one of the suite's 12 tests has a Java sample here.
"""
import inspect
import os
import unittest

import jupyter_client
import jupyter_kernel_test

# pip serves no jupyter_kernel_test here, so the project's environment (jupyter_client 8) runs Debian's 0.4.5. That
# one wraps the blocking client's methods in jupyter_client's run_sync, which since jupyter_client 8 accepts only
# coroutine functions; the blocking client's methods are plain functions there, and are called as they are.
if int(jupyter_client.__version__.split(".")[0]) >= 8 and hasattr(jupyter_kernel_test, "run_sync"):
    _run_sync = jupyter_kernel_test.run_sync
    jupyter_kernel_test.run_sync = lambda f: _run_sync(f) if inspect.iscoroutinefunction(f) else f


class ThreadbookKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("THREADBOOK_KERNEL", "threadbook")
    language_name = "java"
    file_extension = ".java"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("an error line");'

    completion_samples = [
        {"text": "Integer.parseIn", "matches": {"parseInt("}},
        {"text": "String greeting = \"hi\"; greeting.toUpperCas", "matches": {"toUpperCase("}},
    ]

    complete_code_samples = ["1 + 1", "int x = 1;", "void f() { }", "class A { }", ""]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "void f() {", "class B {\n  int y;"]
    invalid_code_samples = ["int x = ;", "}"]

    code_page_something = 'page("Threadbook shows this in the pager");'

    code_generate_error = 'throw new IllegalStateException("this cell fails on purpose");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "\"abc\".length()", "result": "3"},
        {"code": "List.of(1, 2, 3)", "result": "[1, 2, 3]"},
    ]

    code_display_data = [
        {"code": 'display("text/html", "<b>bold</b>");', "mime": "text/html"},
        {"code": 'display("image/svg+xml", "<svg xmlns=\\"http://www.w3.org/2000/svg\\"/>");',
         "mime": "image/svg+xml"},
        {"code": 'display(List.of("a", "b"));', "mime": "text/plain"},
    ]

    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput();"


if __name__ == "__main__":
    import sys

    print("clients: Python %s, jupyter_client %s, jupyter_kernel_test from %s"
          % (sys.version.split()[0], jupyter_client.__version__, os.path.dirname(jupyter_kernel_test.__file__)), flush=True)
    unittest.main()
