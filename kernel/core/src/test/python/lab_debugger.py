"""The debugger step of jupyterlab_run.py: JupyterLab's visual debugger on one cell."""
import json
import re
import time

from labkit import check, code_cell, log, wait_for, with_kernel, write_json

# The cell the debugger steps through, per kernel language: the Java one for Threadbook; the Python one runs the same
# steps against ipykernel (THREADBOOK_KERNEL=python3), which is how the page's selectors were checked. Line 2 holds
# the breakpoint (inside describe, with its parameter n in view), Next goes to line 3 (kind assigned).
DEBUG_CELLS = {
    "java": 'String describe(int n) {\n    String kind = n % 2 == 0 ? "even" : "odd";\n    return n + " is " + kind;\n}\n'
            'System.out.println(describe(7));',
    "python": 'def describe(n):\n    kind = "even" if n % 2 == 0 else "odd"\n    return f"{n} is {kind}"\n\n'
              'print(describe(7))',
}
DEBUG_LINE = 2
DEBUG_TIMEOUT = 120  # s: JDI sets the breakpoint, the cell runs to it; generous on a loaded machine


def debugger_state(page):
    """What the debugger's side panel shows: the Callstack's frames, the Variables panel's rows (scope trees
    opened as JupyterLab shows them), the Breakpoints panel's lines, and the line highlighted in the cell."""
    return page.js(page.PANEL + r"""
        function texts(sel) { return Array.from(document.querySelectorAll(sel)).filter(function (e) {
            return e.offsetParent !== null; }).map(function (e) { return e.innerText.trim().replace(/\s+/g, ' '); }); }
        var cell = p.content.widgets[0].node;
        var lines = Array.from(cell.querySelectorAll('.cm-line'));
        var lit = lines.map(function (l, i) { return l.classList.contains('jp-DebuggerEditor-highlight') ? i + 1 : 0; })
                       .filter(function (n) { return n > 0; });
        return {frames: texts('.jp-DebuggerCallstack .jp-DebuggerCallstackFrame'),
                variables: texts('.jp-DebuggerVariables-body li, .jp-DebuggerVariables-body [role=treeitem], '
                                 + '.jp-DebuggerVariables-body .jp-DebuggerVariables-name').join(' | '),
                variablesText: (document.querySelector('.jp-DebuggerVariables-body') || {innerText: ''}).innerText,
                breakpoints: texts('.jp-DebuggerBreakpoints .jp-DebuggerBreakpoint'),
                highlighted: lit};""")


def debugger_button(page, title):
    """A button of the Callstack panel's toolbar (Continue, Next, Step In, ...) by the start of its title."""
    from selenium.webdriver.common.by import By
    found = [b for b in page.driver.find_elements(By.CSS_SELECTOR, ".jp-DebuggerCallstack button, .jp-DebuggerCallstack jp-button, "
                                                   ".jp-DebuggerSidebar .jp-Toolbar button, .jp-DebuggerSidebar .jp-Toolbar jp-button")
             if (b.get_attribute("title") or "").startswith(title) and b.is_displayed()]
    if not found:
        titles = [b.get_attribute("title") for b in page.driver.find_elements(
            By.CSS_SELECTOR, ".jp-DebuggerSidebar button, .jp-DebuggerSidebar jp-button")]
        raise RuntimeError("no '%s' button in the debugger's side panel; its buttons: %s" % (title, titles))
    return found[0]


def variable_rows(page):
    """The Variables panel's rows as the tree view shows them: each name with the detail beside it."""
    return page.js("""
        return Array.from(document.querySelectorAll('.jp-DebuggerVariables-body .jp-DebuggerVariables-name'))
          .filter(function (n) { return n.offsetParent !== null; })
          .map(function (n) { var d = n.parentElement.querySelector(':scope > .jp-DebuggerVariables-detail');
                              return [n.textContent.trim(), d ? d.textContent.trim() : '']; });""")


def choose_scope(page, name):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    # The menu sits in the Variables section's title bar, beside its content.
    menus = [e for e in page.driver.find_elements(By.CSS_SELECTOR, '.jp-DebuggerSidebar select[aria-label="Scope"], '
                                                    '.jp-DebuggerSidebar .jp-DebuggerVariables-toolbar select') if e.is_displayed()]
    if not menus:
        raise RuntimeError("no scope menu in the Variables panel")
    menu = Select(menus[0])
    options = [o.text for o in menu.options]
    if name not in options:
        return options
    menu.select_by_visible_text(name)
    return options


def thread_scope_checks(page):
    """The scope Thread of the stopped thread, as a student reads it in the tree view: its state and the locks it
    holds, each row with its text beside the name (JupyterLab's tree shows a row's value only for some types)."""
    options = choose_scope(page, "Thread")
    try:
        wait_for("the Thread scope's rows", 30, lambda: any(n == "state" for n, _ in variable_rows(page)))
    except TimeoutError:
        pass
    rows = variable_rows(page)
    page.shot("debugger-thread-scope")
    shown = dict(rows)
    check("debugger: the Variables panel's scope Thread shows the stopped thread's state and the locks it holds",
          "Thread" in options and shown.get("state", "") != "" and "holds" in shown and shown["holds"] != "",
          "scopes %s; rows %s" % (options, rows))
    choose_scope(page, "Locals")


# Counts the notebook's debug_requests that are not done (panel.debugRequestsInFlight()): done is a debug_reply and the
# kernel's idle status for the request, which is when JupyterLab's future for it resolves. JupyterLab attaches its debugger to
# a notebook in overlapping updates (when the notebook gets the focus, when its kernel arrives), and each one sets the debug
# session's connection, which sends a debugInfo request and makes the next requests wait for its reply. But the reply resolves
# whichever wait the latest connection set made (@jupyterlab/debugger's session.ts, `this._ready.resolve()`): a click on the
# bug icon while an update is in flight can leave the click's own requests waiting forever, and the side panel stays on "-".
# Every such update waits for a request to be done between its steps, so none is in flight once every request is done.
DEBUG_REQUESTS_HOOK = """
    var requests = new Map();  // msg_id -> what was seen of it: the request, its reply, its idle (in any order)
    panel.debugRequestsInFlight = function () {
      return Array.from(requests.values()).filter(function (r) { return r.sent && !(r.reply && r.idle); }).length; };
    function seen(id, what) { var r = requests.get(id) || {}; r[what] = true; requests.set(id, r); }
    function watch(session) {
      if (!session || session.threadbookWatched) { return; }
      session.threadbookWatched = true;
      session.anyMessage.connect(function (_, args) {
        var m = args.msg, type = m.header.msg_type, parent = m.parent_header || {};
        if (args.direction === 'send' && type === 'debug_request') {
          seen(m.header.msg_id, 'sent');
        } else if (args.direction === 'recv' && type === 'debug_reply') {
          seen(parent.msg_id, 'reply');
        } else if (args.direction === 'recv' && type === 'status' && parent.msg_type === 'debug_request'
                   && m.content.execution_state === 'idle') {
          seen(parent.msg_id, 'idle');
        }
      });
    }
    watch(panel.sessionContext.session);
    panel.sessionContext.sessionChanged.connect(function (_, change) { watch(change.newValue); });"""


def debugger_checks(page, folder, language):
    from selenium.webdriver.common.by import By

    code = DEBUG_CELLS[language]
    nb = with_kernel({"cells": [code_cell(code)], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    write_json(nb, folder / "debugger.ipynb")
    # The steps before leave a Launcher and Contextual Help open: beside them the notebook's toolbar is too narrow
    # and hides the bug icon in its "..." menu. The notebook gets the main area to itself.
    page.js("Array.from(window.jupyterapp.shell.widgets('main')).forEach(function (w) {"
            " if (w.context) { w.context.model.dirty = false; } w.close(); });")
    page.open("debugger.ipynb", on_open=DEBUG_REQUESTS_HOOK)
    page.wait_idle()

    # The bug icon in the notebook's toolbar: enabled only for a kernel that says it can debug.
    def bug():
        b = [e for e in page.driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel-toolbar .jp-DebuggerBugButton")
             if e.is_displayed()]
        return b[0] if b else None
    button = wait_for("the bug icon in the notebook's toolbar", 30, bug)

    def enabled():
        b = bug()
        inner = b.find_elements(By.CSS_SELECTOR, "button, jp-button")
        target = inner[0] if inner else b
        return not (target.get_attribute("disabled") or target.get_attribute("aria-disabled") == "true")
    try:
        wait_for("the bug icon to be enabled", 30, enabled)
    except TimeoutError:
        pass
    if not check("debugger: the bug icon is enabled (the kernel supports debugging)", enabled(),
                 "it says %r" % (button.get_attribute("title") or button.text)):
        page.shot("debugger-no-bug-icon")
        return

    def in_flight():
        return page.js(page.PANEL + "return p.debugRequestsInFlight ? p.debugRequestsInFlight() : -1;")
    # The icon is enabled before JupyterLab's last update of the notebook's debug session ends (DEBUG_REQUESTS_HOOK).
    settling, at_enabled = time.monotonic(), in_flight()
    try:
        wait_for("JupyterLab's debugger to be done attaching to the notebook", 60, lambda: in_flight() == 0, poll=0.05)
    except TimeoutError as e:
        raise RuntimeError("%s: %s debug_request(s) not done (-1: none counted)" % (e, in_flight()))
    log("debugger: %d debug_request(s) in flight when the bug icon was enabled, all done %.2f s later"
        % (at_enabled, time.monotonic() - settling))
    clickable = button.find_elements(By.CSS_SELECTOR, "button, jp-button")
    (clickable[0] if clickable else button).click()

    def sidebar():
        # Open, and attached to this notebook: its title names the notebook ("-" when it debugs nothing).
        return page.js("var s = document.querySelector('.jp-DebuggerSidebar');"
                       " return !!s && s.offsetWidth > 0 && s.textContent.toLowerCase().indexOf('debugger.ipynb') >= 0;")
    try:
        wait_for("the debugger's side panel", 30, sidebar)
    except TimeoutError:
        page.js("window.jupyterapp.commands.execute('debugger:show-panel');")
        try:
            wait_for("the debugger's side panel (opened by its command)", 30, sidebar)
        except TimeoutError as e:
            raise RuntimeError("%s; it shows %r; debug_requests of the notebook not done: %s" % (e, page.js(
                "var s = document.querySelector('.jp-DebuggerSidebar'); return s ? s.innerText.slice(0, 80) : null;"),
                in_flight()))
    page.shot("debugger-enabled")
    check("debugger: the bug icon switches the debugger on and its side panel opens", sidebar())

    # A click in the cell's breakpoint gutter, on line DEBUG_LINE.
    page.js(page.PANEL + "p.content.widgets[0].node.scrollIntoView({block: 'center'});")
    cell = page.driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")[0]

    def gutter_beside_line():
        # The side panel just opened: the page may still be laying out, so both are found again each time.
        lines = cell.find_elements(By.CSS_SELECTOR, ".cm-line")
        if len(lines) < DEBUG_LINE:
            return None
        line = lines[DEBUG_LINE - 1].rect
        return [g for g in cell.find_elements(By.CSS_SELECTOR, ".cm-breakpoint-gutter .cm-gutterElement")
                if g.is_displayed() and g.rect["height"] > 0 and abs(g.rect["y"] - line["y"]) < max(4, line["height"] / 2)]
    try:
        gutter = wait_for("the breakpoint gutter beside line %d" % DEBUG_LINE, 30, gutter_beside_line, poll=0.5)
    except TimeoutError:
        raise RuntimeError("no breakpoint gutter beside line %d of the cell; the cell's gutters: %s" % (DEBUG_LINE, [
            g.get_attribute("class") for g in cell.find_elements(By.CSS_SELECTOR, ".cm-gutter")]))
    gutter[0].click()
    try:
        wait_for("the breakpoint in the Breakpoints panel", 30, lambda: debugger_state(page)["breakpoints"])
    except TimeoutError:
        pass
    state = debugger_state(page)
    # CodeMirror keeps an invisible copy of a gutter marker to size the gutter: only the visible dots count.
    marked = page.js(page.PANEL + """
        return Array.from(p.content.widgets[0].node.querySelectorAll('.cm-breakpoint-gutter .cm-breakpoint-icon'))
            .filter(function (i) { return getComputedStyle(i).visibility !== 'hidden' && i.getClientRects().length > 0; })
            .length;""")
    check("debugger: a click in the gutter sets a breakpoint on line %d (a red dot, listed in Breakpoints)" % DEBUG_LINE,
          marked == 1 and any(b.endswith(str(DEBUG_LINE)) or (" %d" % DEBUG_LINE) in b for b in state["breakpoints"]),
          "%d dot(s); Breakpoints panel: %s" % (marked, state["breakpoints"]))

    # Run the cell: it stops on the breakpoint; Callstack and Variables fill.
    page.run_cell(0)
    try:
        wait_for("the cell to stop on the breakpoint", DEBUG_TIMEOUT, lambda: debugger_state(page)["frames"])
        wait_for("the Variables panel", 30, lambda: "7" in debugger_state(page)["variablesText"])
    except TimeoutError:
        pass
    state = debugger_state(page)
    page.shot("debugger-stopped")
    log("debugger stopped: %s" % json.dumps(state)[:1500])
    check("debugger: the cell stops on line %d, the Callstack shows describe on top" % DEBUG_LINE,
          bool(state["frames"]) and "describe" in state["frames"][0] and state["highlighted"] == [DEBUG_LINE],
          "frames %s, highlighted line(s) %s" % (state["frames"], state["highlighted"]))
    check("debugger: the Variables panel shows describe's parameter n = 7",
          re.search(r"\bn\b[\s\S]*\b7\b", state["variablesText"]) is not None, repr(state["variablesText"][:400]))
    check("debugger: the cell is still running while it is stopped", "*" in page.prompts()[0], repr(page.prompts()))
    if language == "java":
        thread_scope_checks(page)

    # Next: line DEBUG_LINE + 1, kind assigned.
    debugger_button(page, "Next").click()
    try:
        wait_for("the step to line %d" % (DEBUG_LINE + 1), DEBUG_TIMEOUT,
                 lambda: debugger_state(page)["highlighted"] == [DEBUG_LINE + 1] and "odd" in debugger_state(page)["variablesText"])
    except TimeoutError:
        pass
    state = debugger_state(page)
    page.shot("debugger-next")
    check("debugger: Next steps to line %d, the Variables panel shows kind = odd" % (DEBUG_LINE + 1),
          state["highlighted"] == [DEBUG_LINE + 1] and "kind" in state["variablesText"] and "odd" in state["variablesText"],
          "highlighted %s, frames %s, variables %r" % (state["highlighted"], state["frames"], state["variablesText"][:300]))

    # Continue: the cell finishes with its normal output; the Callstack empties.
    debugger_button(page, "Continue").click()
    try:
        page.wait_ran(0, DEBUG_TIMEOUT)
        wait_for("the Callstack to empty", 30, lambda: not debugger_state(page)["frames"])
    except TimeoutError:
        pass
    state = debugger_state(page)
    out = page.cell_text(0)
    page.shot("debugger-continued")
    check("debugger: Continue runs the cell to its end, with its normal output",
          out.strip() == "7 is odd" and "*" not in page.prompts()[0] and not state["frames"],
          "output %r, prompt %r, frames left %s" % (out, page.prompts()[0], state["frames"]))
    # The debugger off again, as a student leaves it: the next step's notebooks run without it.
    button = bug()
    clickable = button.find_elements(By.CSS_SELECTOR, "button, jp-button")
    (clickable[0] if clickable else button).click()
