"""Jupyter widgets of the Java kernel in JupyterLab 4 (its widget manager, jupyterlab_widgets) in headless Chromium:
one notebook of six cells, Run All, then as a person would:
  1. interact: an IntSlider moved with the keyboard (its handle focused, ArrowRight) re-runs the Java method, and
     the output under the slider changes to the new value's;
  2. a Button clicked in the page runs its Java listener, which changes a Label beside it and prints a line;
  3. a widget made by a background thread after its cell ended renders in that cell; every other kind of widget
     renders (the widget manager knows each model and view name);
  4. %%compare --slider: its slider moved re-runs the comparison into the Output widget under it, replacing the
     last run; %threads --live shows a deadlock's two threads BLOCKED, each holding the lock the other waits for;
  5. File > Save keeps the widgets' state in the notebook (the widget manager's saveState setting on); opened
     again, with a new Java session, the notebook renders them from that state, marked disconnected.
Each prints PASS/FAIL lines and ends with "N passed, M failed"; a screenshot goes to THREADBOOK_SHOTS.

Environment: JUPYTER_PATH (where the kernelspec is), THREADBOOK_KERNEL (its name), THREADBOOK_SHOTS (screenshots),
THREADBOOK_BROWSER_KEEP (keep the temporary folder). Everything started here is stopped before it exits.
"""
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

import labkit as kit  # the checks, their counts and the page driver
from labkit import check, log, wait_for
from launcher import Lab

CELLS = [
    # 0: interact with a slider: each value's run prints its square into the Output widget under the slider
    'var n = new IntSlider("n", 1, 10, 2);\n'
    'interact(k -> System.out.println("squared " + k * k + " on " + Thread.currentThread().getName()), n);',
    # 1: a button whose listener changes a label and prints into this cell
    'var clicks = new java.util.concurrent.atomic.AtomicInteger();\n'
    'var label = new Label("not clicked");\n'
    'var button = new Button("Click me");\n'
    'button.onClick(b -> { label.setValue("clicked " + clicks.incrementAndGet()); System.out.println("listener ran"); });\n'
    'display(new HBox(button, label));',
    # 2: a widget made by a thread after its cell ended
    'new Thread(() -> {\n'
    '    try { Thread.sleep(1500); } catch (InterruptedException e) { return; }\n'
    '    display(new HTML("<b class=\'from-thread\'>made by a background thread</b>"));\n'
    '}).start();',
    # 3: every other kind of widget, so that each model and view name is one the widget manager knows
    'var f = new FloatSlider("f", 0, 1, 0.5);\n'
    'var play = new Play(0, 10, 100);\n'
    'var tabs = new Tab(List.of("one", "two"), new Text("text", "hello"), new Checkbox("check", true));\n'
    'display(new VBox(f, new IntRangeSlider("range", 0, 10, 2, 7), new Dropdown("pick", List.of("a", "b"), "b"),\n'
    '    new ToggleButtons("mode", List.of("x", "y")), new IntProgress(0, 10).barStyle("success"), new HTML("<i>html</i>"),\n'
    '    tabs, new HBox(play, new IntSlider())));\n'
    'jslink(play, "value", f, "value");',
    # 4: %%compare with a slider: its runs print into the Output widget under the slider
    '%%compare --slider m=1:8:2\n'
    '// --- once\n'
    'System.out.println("once " + m);\n'
    '// --- doubled\n'
    'System.out.println("doubled " + 2 * m);',
    # 5: the live threads view above a deadlock it watches form (the cell ends once both threads are blocked)
    '%threads --live\n'
    'Object lockA = new Object(), lockB = new Object();\n'
    'var both = new CountDownLatch(2);\n'
    'Runnable take = () -> { try { both.countDown(); both.await(); } catch (InterruptedException e) { } };\n'
    'var first = new Thread(() -> { synchronized (lockA) { take.run(); synchronized (lockB) { } } }, "first");\n'
    'var second = new Thread(() -> { synchronized (lockB) { take.run(); synchronized (lockA) { } } }, "second");\n'
    'first.setDaemon(true); second.setDaemon(true); first.start(); second.start();\n'
    'while (first.getState() != Thread.State.BLOCKED || second.getState() != Thread.State.BLOCKED) Thread.sleep(10);',
]


# Put into the notebook after the others ran (Run All would wait for it for ever): a cell that ends only when its
# slider, moved in the browser while the cell runs, has told its Java listener 3.
WHILE_RUNNING = (
    'var stopAt = new IntSlider("stop at", 0, 10, 0);\n'
    'var seen = new java.util.concurrent.atomic.AtomicInteger();\n'
    'stopAt.observe("value", c -> seen.set(((Number) c.newValue()).intValue()));\n'
    'display(stopAt);\n'
    'while (seen.get() < 3) Thread.sleep(10);\n'
    'System.out.println("the slider reached " + seen.get() + " while this cell ran");')


def notebook():
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c} for c in CELLS]
    return kit.with_kernel({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def saved_state_checks(page, served):
    """The saved notebook holds the widgets' state (what renders them in a saved notebook and in nbconvert's HTML)."""
    page.save()
    saved = kit.read_json(served / "widgets.ipynb")
    state = saved.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    models = [dict(m.get("state", {}), _model_name=m.get("model_name")) for m in state.values()]
    check("the saved notebook holds the widgets' state: the slider at 5",
          any(m.get("_model_name") == "IntSliderModel" and m.get("value") == 5 for m in models), json.dumps(state)[:800])
    check("the saved notebook holds the widgets' state: the Output widget with the last run's line",
          any(m.get("_model_name") == "OutputModel" and "squared 25" in json.dumps(m.get("outputs")) for m in models),
          json.dumps(state)[:800])
    check("the saved notebook holds the widgets' state: the Label the click changed",
          any(m.get("_model_name") == "LabelModel" and m.get("value") == "clicked 1" for m in models), json.dumps(state)[:800])

    # Opened again, with a new Java session that has none of these widgets: they render from the saved state.
    page.close()
    kit.shutdown_kernels(page.base, page.token)
    page.open("widgets.ipynb")
    try:
        def rendered():
            slider = page.js(lab_cell(0) + """
                var s = c.querySelector('.widget-slider .widget-readout');
                return s ? s.textContent.trim() : null;""")
            return slider == "5" and "squared 25" in page.cell_text(0) and "clicked 1" in page.cell_text(1)
        wait_for("the saved widgets to render", 60, rendered)
        check("the saved notebook, opened again, renders its widgets from the saved state (slider at 5, its output, the label)", True)
    except TimeoutError:
        check("the saved notebook, opened again, renders its widgets from the saved state (slider at 5, its output, the label)",
              False, page.cell_text(0) + " | " + page.cell_text(1))
    check("the widgets of the last session say they are disconnected (the new Java session does not have them)",
          page.js(lab_cell(0) + "return !!c.querySelector('.jupyter-widgets-disconnected');"))
    page.shot("widgets-reopened")


def widget_checks(page):
    page.menu("Run", "runmenu:run-all")
    for i in range(len(CELLS)):
        page.wait_ran(i, timeout=kit.KERNEL_START_TIMEOUT)
    check("the cells ran without an error", not any(
        o.get("output_type") == "error" for i in range(len(CELLS)) for o in page.outputs(i)), json.dumps(
        [page.outputs(i) for i in range(len(CELLS))])[:800])

    # 1. the slider
    def text(i):
        return page.cell_text(i)
    try:
        wait_for("the slider and its first run's output", 60, lambda: page.js(lab_cell(0) + """
            return !!(c.querySelector('.widget-slider .noUi-handle') && c.innerText.indexOf('squared 4') >= 0);"""))
        check("interact: the slider renders with the first run's output (n = 2)", True)
    except TimeoutError:
        check("interact: the slider renders with the first run's output (n = 2)", False, text(0))
        raise
    moved = slide_three_steps(page, 0)
    try:
        wait_for("the re-run's output", 60, lambda: "squared 25" in text(0) and "squared 4 " not in text(0))
        check("interact: moving the slider to 5 in the browser re-ran the method, its output replaced",
              True, "%.2f s after the key presses" % (time.monotonic() - moved))
    except TimeoutError:
        check("interact: moving the slider to 5 in the browser re-ran the method, its output replaced", False, text(0))
    check("interact: the method ran in the notebook's Java, on an interact thread", "on interact-" in text(0), text(0))

    # 2. the button
    from selenium.webdriver.common.by import By
    button = page.driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")[1].find_element(
        By.CSS_SELECTOR, "button.jupyter-button")
    button.click()
    try:
        wait_for("the label to change", 60, lambda: "clicked 1" in text(1) and "listener ran" in text(1))
        check("a click on the Button ran its Java listener (the Label says so, its line is in the cell)", True)
    except TimeoutError:
        check("a click on the Button ran its Java listener (the Label says so, its line is in the cell)", False, text(1))

    # 3. the background thread's widget
    try:
        wait_for("the background thread's widget", 60, lambda: page.js(lab_cell(2) + """
            return !!c.querySelector('.widget-html b.from-thread');"""))
        check("a widget made by a background thread after its cell ended renders in that cell", True)
    except TimeoutError:
        check("a widget made by a background thread after its cell ended renders in that cell", False, text(2))
    # 4. every kind renders: the widget manager shows "Error displaying widget" for a model it cannot make
    try:
        wait_for("every kind of widget", 60, lambda: page.js(lab_cell(3) + """
            return c.querySelectorAll('.widget-hslider, .widget-dropdown, .widget-toggle-buttons, .progress, .widget-tab,'
                + ' .widget-play, .widget-text, .widget-checkbox, .widget-html').length >= 10;"""))
        check("every kind of widget renders (float and range sliders, dropdown, toggle buttons, progress, HTML, tab, text, "
              "checkbox, play)", "Error" not in text(3), text(3))
    except TimeoutError:
        check("every kind of widget renders", False, text(3) + " | " + page.js(lab_cell(3) + "return c.innerHTML.slice(0, 3000);"))
    page.shot("widgets")
    teaching_checks(page, text)


def teaching_checks(page, text):
    """%%compare --slider re-runs in place when its slider moves; %threads --live shows a deadlock."""
    try:
        wait_for("the compare slider and its first run", 60, lambda: page.js(lab_cell(4) + """
            var o = c.querySelector('.widget-output');
            return !!(c.querySelector('.widget-slider .noUi-handle') && o && o.innerText.indexOf('doubled 4') >= 0);"""))
        check("%%compare --slider: the first run shows in the Output widget under the slider", True)
    except TimeoutError:
        check("%%compare --slider: the first run shows in the Output widget under the slider", False, text(4))
        return
    moved = slide_three_steps(page, 4)
    try:
        wait_for("the compare re-run", 60, lambda: page.js(lab_cell(4) + """
            var o = c.querySelector('.widget-output'); var t = o ? o.innerText : '';
            return t.indexOf('doubled 10') >= 0 && t.indexOf('doubled 4') < 0 && !!o.querySelector('img, table');"""))
        check("%%compare --slider: moving the slider to 5 re-ran the comparison, its table and chart replacing the last",
              True, "%.2f s after the key presses" % (time.monotonic() - moved))
    except TimeoutError:
        check("%%compare --slider: moving the slider to 5 re-ran the comparison, its table and chart replacing the last",
              False, text(4))
    try:
        wait_for("the live view to show the deadlock", 30, lambda: page.js(lab_cell(5) + """
            var h = c.querySelector('.widget-html'); var t = h ? h.innerText : '';
            return /first\\s+BLOCKED\\s+lockA\\s+lockB\\s+second/.test(t) && /second\\s+BLOCKED\\s+lockB\\s+lockA\\s+first/.test(t);"""))
        check("%threads --live: both threads BLOCKED, each holding the lock the other waits for", True)
    except TimeoutError:
        check("%threads --live: both threads BLOCKED, each holding the lock the other waits for", False, text(5))
    page.shot("teaching-widgets")
    while_a_cell_runs_checks(page, text)


def while_a_cell_runs_checks(page, text):
    """JupyterLab sends comm messages over a subshell of their own (its commsOverSubshells setting, on by default), so
    a slider moved while a cell runs reaches its Java listener at once: a slider can steer a running experiment."""
    index = len(CELLS)
    name = "a slider moved while its cell runs reaches the Java listener at once (comms over a subshell): the cell ends"
    page.js(page.PANEL + "p.content.model.sharedModel.insertCell(%d, {cell_type: 'code', source: %s});"
            % (index, json.dumps(WHILE_RUNNING)))
    page.run_cell(index)
    try:
        wait_for("the running cell's slider", 60, lambda: "*" in page.prompts()[index] and page.js(
            lab_cell(index) + "return !!c.querySelector('.widget-slider .noUi-handle');"))
    except TimeoutError:
        check(name, False, "the cell did not show its slider while running: %s %s" % (page.prompts()[index], text(index)))
        return
    moved = slide_three_steps(page, index)
    try:
        page.wait_ran(index, timeout=60)
        check(name, "reached 3 while this cell ran" in text(index),
              "%.2f s after the key presses: %s" % (time.monotonic() - moved, text(index)))
    except TimeoutError:
        check(name, False, "still running 60 s after the slider moved: %s" % text(index))
    page.shot("slider-while-a-cell-runs")


def slide_three_steps(page, index):
    """Moves the slider of the cell three steps right with the keyboard, as a person would (its handle focused by a
    click); returns when the keys were pressed."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    handle = page.driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")[index].find_element(
        By.CSS_SELECTOR, ".widget-slider .noUi-handle")
    handle.click()
    moved = time.monotonic()
    for _ in range(3):
        handle.send_keys(Keys.ARROW_RIGHT)
    return moved


def lab_cell(i):
    return PAGE.PANEL + "var c = p.content.widgets[%d].node;" % i


PAGE = None


def main():
    global PAGE
    shots = Path(os.environ.get("THREADBOOK_SHOTS", kit.CORE / "target" / "widgets"))
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    lab = Lab("threadbook-widgets-")
    served = lab.served
    kit.write_json(notebook(), served / "widgets.ipynb")
    try:
        import jupyterlab
        import jupyterlab_widgets
        log("JupyterLab %s, jupyterlab_widgets %s; kernel %s" % (jupyterlab.__version__, jupyterlab_widgets.__version__, kit.KERNEL))
        # The widget manager saves the widgets' state into the notebook when it is saved (off by default).
        lab.start_jupyterlab({"@jupyter-widgets/jupyterlab-manager/plugin.jupyterlab-settings": {"saveState": True}})
        lab.start_browser()
        page = PAGE = lab.page(shots)
        page.load("%s/lab?reset&token=%s" % (lab.base, lab.token))
        page.open("widgets.ipynb")
        page.wait_idle()
        check("the page runs the Threadbook kernel", "Threadbook" in (page.kernel_name() or ""), repr(page.kernel_name()))
        kit.step_start("widgets")
        try:
            widget_checks(page)
            saved_state_checks(page, served)
        except Exception as e:  # noqa: BLE001 - a broken step is one more failure, with its screenshot
            check("widgets: the step itself", False, "%s: %s" % (type(e).__name__, e))
            traceback.print_exc(file=sys.stdout)
            page.shot("widgets-broken")
        finally:
            lab.track()
    except Exception as e:  # noqa: BLE001
        check("the run itself", False, "%s: %s" % (type(e).__name__, e))
        traceback.print_exc(file=sys.stdout)
    finally:
        lab.close()
    log("done in %.1f s" % (time.monotonic() - kit.T0))
    print("%d passed, %d failed" % (kit.passed, kit.failed), flush=True)
    return 1 if kit.failed else 0


if __name__ == "__main__":
    sys.exit(main())
