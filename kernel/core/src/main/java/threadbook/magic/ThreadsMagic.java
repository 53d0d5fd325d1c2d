package threadbook.magic;

import java.util.List;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.BackgroundWork;
import threadbook.jshell.CellResult;

/**
 * %threads lists the live threads your cells started; %threads stop interrupts them; %threads --live
 * shows a widget that follows their states and locks while later cells run.
 */
final class ThreadsMagic implements Magic {
    @Override public String name() { return "threads"; }
    @Override public Form form() { return Form.LINE; }
    @Override public String summary() { return "list the threads your cells started that are still running (stop: interrupt them; --live: a view that follows them)"; }
    @Override public String usage() { return "%threads        list live threads (name, state, cell)\n%threads stop   interrupt them\n"
            + "%threads --live a table of their states and locks (held, waited for, by whom) that updates itself"
            + " 4 times a second while cells run, until it is closed"; }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException, AgentException {
        switch (args) {
            case "":
                List<String> lines = context.agent().threads(Integer.MAX_VALUE);
                context.print(lines.isEmpty() ? "No thread started by your cells is running.\n"
                        : lines.size() + " thread" + (lines.size() == 1 ? "" : "s") + " started by your cells still running:\n  "
                        + String.join("\n  ", lines) + "\n");
                String deadlock = context.agent().deadlocks();
                if (!deadlock.isEmpty()) {
                    context.print("\n" + threadbook.remote.LockSentences.deadlock(deadlock, context::cellLine));
                }
                return CellResult.ok(null);
            case "--live":
                // Displayed, not the cell's value: Java after the magic in the same cell (the experiment to
                // watch) would otherwise hide it.
                return context.java("threadbook.api.Notebook.display(threadbook.api.widgets.ThreadsView.live());");
            case "stop":
                int stopped = context.agent().stop(BackgroundWork.THREADS).threads();
                context.print("Interrupted " + stopped + " thread(s). A thread that ignores interrupts keeps running;"
                        + " restart the kernel to end it.\n");
                return CellResult.ok(null);
            default:
                throw new MagicException("unknown argument '" + args + "' (valid: nothing, stop or --live)");
        }
    }
}
