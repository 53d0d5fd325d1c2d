"""The scratch notebook's steps of jupyterlab_run.py: completion, contextual help, a thread's late output, a progress
bar, stdin, ■ and a restart, in one notebook and its kernel, in that order."""
import time

from labkit import KERNEL_START_TIMEOUT, check, code_cell, figure, log, wait_for, with_kernel, write_json

# The scratch notebook; each cell is found by its index below.
COMPLETE, INSPECT, LATE, NEXT, PROGRESS, STDIN, LOOP, PID = range(8)
SCRATCH = [
    "Str",
    'String greeting = "hello";\ngreeting.length()',
    'new Thread(() -> {\n    try { Thread.sleep(1500); } catch (InterruptedException e) { }\n'
    '    System.out.println("late line, under the cell that started the thread");\n}).start();\n'
    'System.out.println("this cell returned");',
    'Thread.sleep(3000);\nSystem.out.println("the next cell waited 3 s");',
    'Progress bar = Progress.start("steps", 20);\nfor (int i = 0; i < 20; i++) { Thread.sleep(150); bar.step(); }\n'
    'bar.done();',
    'Scanner in = new Scanner(System.in);\nSystem.out.print("Your name? ");\nString name = in.nextLine();\n'
    'System.out.println("Hello, " + name + "!");',
    'long spins = 0;\nSystem.out.println("spinning");\nwhile (true) { spins++; }',
    "ProcessHandle.current().pid()",
]


SCRATCH_NAME = "scratch.ipynb"


def open_scratch(page, folder, fresh=False):
    """Opens the scratch notebook with a new kernel when it is not open (or, fresh, in any case); the scratch steps
    share it, in their order, as a student works down a notebook. True if it was opened now."""
    if page.path == SCRATCH_NAME and not fresh:
        return False
    if page.path is not None:
        page.leave()
    nb = with_kernel({"cells": [code_cell(s) for s in SCRATCH], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    write_json(nb, folder / SCRATCH_NAME)
    page.open(SCRATCH_NAME)
    return True


def scratch_ready(page, folder):
    if open_scratch(page, folder):
        page.wait_idle()


def completion_checks(page, folder):
    """The first Tab, as soon as the kernel is there (its Java session is still starting then)."""
    from selenium.webdriver.common.keys import Keys
    opened = time.monotonic()
    open_scratch(page, folder, fresh=True)
    wait_for("a kernel", KERNEL_START_TIMEOUT, lambda: not page.kernel_status().startswith(("none", "unknown")))
    page.editor(COMPLETE)
    page.keys((Keys.CONTROL, Keys.END))
    status = page.kernel_status()
    page.keys(Keys.TAB)
    log("first Tab pressed %.1f s after opening, kernel %s" % (time.monotonic() - opened, status))

    def popup():
        items = page.js("""
            var c = document.querySelector('.jp-Completer');
            if (!c || c.classList.contains('lm-mod-hidden')) return null;
            return Array.from(c.querySelectorAll('.jp-Completer-item')).map(function (i) { return i.textContent.trim(); });""")
        return items
    try:
        items = wait_for("the completion popup", 60, popup)
    except TimeoutError:
        items = None
    page.shot("scratch-first-tab")
    source = page.model()["cells"][COMPLETE]["source"]
    source = "".join(source) if isinstance(source, list) else source
    check("first Tab after a fresh start (Str|) shows the completion popup with String",
          bool(items) and any(i.split()[0] == "String" for i in items if i.split()),
          "popup: %s; the cell now holds %r" % (items[:8] if items else items, source))
    page.keys(Keys.ESCAPE)
    page.wait_idle()
    figure("JupyterLab: scratch notebook opened to kernel idle", time.monotonic() - opened)


def help_checks(page, folder):
    """Contextual help, with the cursor inside a type's name (Str|ing) and inside a method's (greeting.len|gth)."""
    from selenium.webdriver.common.keys import Keys
    scratch_ready(page, folder)
    page.menu("Help", "inspector:toggle")
    wait_for("the contextual help panel", 20, lambda: page.js(
        "var i = document.querySelector('.jp-Inspector'); return !!i && i.offsetWidth > 0;"))

    def help_text():
        return page.js("var c = document.querySelector('.jp-Inspector-content'); return c ? c.innerText : '';") or ""

    def help_at(line_moves, right, shows):
        """The help shown with the cursor there, once it shows what it must (the panel updates in steps: a
        check of the first text that differs from the last one read a half-updated panel)."""
        page.editor(INSPECT)
        page.keys((Keys.CONTROL, Keys.HOME))
        for _ in range(line_moves):
            page.keys(Keys.DOWN)
        page.keys(Keys.HOME)
        for _ in range(right):
            page.keys(Keys.ARROW_RIGHT)
        asked = [0.0]

        def shown():
            # The inspector asks again on a cursor move, as a student moves it again: the first answer may be
            # the quick one of a Java session that is still starting, which cannot know a cell's variables.
            if time.monotonic() - asked[0] > 3:
                page.keys(Keys.ARROW_LEFT, Keys.ARROW_RIGHT)
                asked[0] = time.monotonic()
            t = help_text()
            return t if shows(t) else None
        time.sleep(0.3)
        try:
            return wait_for("contextual help", 30, shown)
        except TimeoutError:
            return help_text()

    def type_help(t):
        return "java.lang.String" in t or "class String" in t

    text = help_at(0, 3, type_help)
    page.shot("scratch-help-type")
    check("contextual help for a type, the cursor inside its name (Str|ing)", type_help(text), repr(text[:300]))
    before = text

    def method_help(t):
        return t != before and "length" in t and ("int" in t or "Returns" in t)
    text = help_at(1, 12, method_help)
    page.shot("scratch-help-method")
    check("contextual help for a method, the cursor inside its name (greeting.len|gth())", method_help(text),
          repr(text[:300]))


def late_output_checks(page, folder):
    """A thread's late line goes under the cell that started it, not under the cell running when it prints."""
    scratch_ready(page, folder)
    page.run_cell(LATE)
    page.run_cell(NEXT)
    page.wait_ran(NEXT, 60)
    time.sleep(0.5)
    late, nxt = page.cell_text(LATE), page.cell_text(NEXT)
    page.shot("scratch-late-output")
    check("a thread's late line shows under its own cell", "late line, under the cell" in late, repr(late))
    check("...and not under the cell running when it printed", "late line" not in nxt and "waited 3 s" in nxt, repr(nxt))


def progress_checks(page, folder):
    """The progress bar is one output, updated in place."""
    scratch_ready(page, folder)
    page.run_cell(PROGRESS)
    seen, most = [], 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = page.js(page.PANEL + """
            var w = p.content.widgets[arguments[0]];
            var bars = w.node.querySelectorAll('.jp-OutputArea progress');
            return {outputs: w.model.outputs.length, bars: bars.length,
                    value: bars.length ? bars[bars.length - 1].value : null,
                    done: w.model.executionCount !== null && !w.node.querySelector('.jp-InputPrompt').textContent.includes('*')};""",
            PROGRESS)
        most = max(most, state["outputs"])
        if state["value"] is not None and (not seen or seen[-1] != state["value"]):
            seen.append(state["value"])
        if state["done"]:
            break
        time.sleep(0.15)
    time.sleep(0.5)
    final = page.js(page.PANEL + """
        var w = p.content.widgets[arguments[0]]; var b = w.node.querySelectorAll('.jp-OutputArea progress');
        return {outputs: w.model.outputs.length, value: b.length ? b[0].value : null, max: b.length ? b[0].max : null};""",
        PROGRESS)
    page.shot("scratch-progress")
    check("the progress bar updated in place: one output, its value growing to the end",
          most == 1 and final["outputs"] == 1 and len(seen) >= 3 and seen == sorted(seen) and final["value"] == final["max"] == 20,
          "values seen %s, at most %d output(s), final %s" % (seen, most, final))


def stdin_checks(page, folder):
    """stdin: the cell asks, the page shows an input box, the answer reaches the cell."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    scratch_ready(page, folder)
    page.run_cell(STDIN)
    try:
        box = wait_for("the stdin box", 60, lambda: [e for e in page.driver.find_elements(By.CSS_SELECTOR, ".jp-Stdin-input")
                                                   if e.is_displayed()])
        prompt = page.js("var p = document.querySelector('.jp-Stdin-prompt'); return p ? p.textContent : '';")
        page.shot("scratch-stdin-box")
        box[0].click()
        box[0].send_keys("Ada" + Keys.ENTER)
        page.wait_ran(STDIN, 60)
        out = page.cell_text(STDIN)
        check("stdin: an input box with the cell's prompt, the answer read by the cell",
              "Hello, Ada!" in out and "name" in (prompt + out), "prompt %r, output %r" % (prompt, out))
    except TimeoutError as e:
        check("stdin: an input box appears", False, str(e))
    page.shot("scratch-stdin-answered")


def interrupt_checks(page, folder):
    """■ stops an endless loop."""
    from selenium.webdriver.common.by import By
    scratch_ready(page, folder)
    page.run_cell(LOOP)
    # Its line printed: the loop itself runs now (not the cell's compilation), which the click must stop.
    try:
        wait_for("the loop to start", 60, lambda: "spinning" in page.cell_text(LOOP))
    except TimeoutError:
        pass
    running = "*" in page.prompts()[LOOP] and "spinning" in page.cell_text(LOOP)
    buttons = [b for b in page.driver.find_elements(By.CSS_SELECTOR, '.jp-NotebookPanel-toolbar [data-jp-item-name="interrupt"] button, '
                                                    '.jp-NotebookPanel-toolbar [data-jp-item-name="interrupt"] jp-button')
               if b.is_displayed()]
    if not buttons:
        raise RuntimeError("no interrupt (■) button in the notebook's toolbar")
    clicked = time.monotonic()
    buttons[0].click()
    try:
        page.wait_ran(LOOP, 30)
        took = time.monotonic() - clicked
        page.wait_idle(30)
        check("■ interrupts an endless loop", running, "the cell was running, then stopped %.1f s after the click; it shows %r"
              % (took, page.cell_text(LOOP)[:200]))
    except TimeoutError:
        check("■ interrupts an endless loop", False, "the cell still runs 30 s after the click")
    page.shot("scratch-interrupted")


def restart_checks(page, folder):
    """Kernel > Restart Kernel...: a new Java process, counting from 1 again."""
    from selenium.webdriver.common.by import By
    scratch_ready(page, folder)
    def pid():
        return " ".join("".join(o.get("data", {}).get("text/plain", "")) for o in page.outputs(PID)).strip()
    page.run_cell(PID)
    page.wait_ran(PID, 60)
    before = pid()
    page.menu("Kernel", "kernelmenu:restart")
    accept = wait_for("the restart dialog", 20, lambda: [b for b in page.driver.find_elements(
        By.CSS_SELECTOR, ".jp-Dialog .jp-Dialog-button.jp-mod-accept") if b.is_displayed()])
    accept[0].click()
    time.sleep(1)
    page.wait_idle()
    page.run_cell(PID)
    page.wait_ran(PID, 60, before=None)
    after = pid()
    count = page.counts()[PID]
    page.shot("scratch-restarted")
    check("Kernel > Restart Kernel...: a new Java process, counting from 1 again",
          before.isdigit() and after.isdigit() and before != after and count == 1,
          "pid %s before, %s after, execution count %s" % (before, after, count))
    page.save()
