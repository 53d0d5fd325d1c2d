package threadbook.magic;

import java.util.List;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.BackgroundWork;
import threadbook.jshell.CellResult;

/**
 * %workers lists the live worker processes (pid, state, CPU) and the pre-started spares; %workers stop ends
 * them; %workers prestart sets how many spares are kept ready.
 */
final class WorkersMagic implements Magic {
    /** The most spares one may ask for (the agent's Spares.MOST): each is a JVM's memory. */
    private static final int MOST = 16;

    @Override public String name() { return "workers"; }
    @Override public Form form() { return Form.LINE; }
    @Override public String summary() { return "list the live worker processes: pid, state, CPU time (stop: end them; prestart: spares kept ready)"; }
    @Override public String usage() {
        return "%workers                  list worker processes, and the pre-started spares\n"
                + "%workers stop             end them all now (spares too, until a cell starts a worker again)\n"
                + "%workers prestart N       keep N worker JVMs started ahead (0 to " + MOST + "; waits until they are\n"
                + "                          ready), so that new WorkerProcess(...).start() and new WorkerPool(n)\n"
                + "                          take one at once; a new one starts behind each one taken\n"
                + "%workers prestart off     keep none: every worker JVM starts when asked for (cold)\n"
                + "%workers prestart auto    the default: none until the notebook starts a worker, then as many as\n"
                + "                          the most workers one cell started, at most 4\n"
                + "A spare is a new process that has run nothing: taken once, never given back. Spares do not\n"
                + "start while %time, %timeit, %%compare or %%timeline measure a cell. Each costs a small JVM's\n"
                + "memory (about 35 MB of its own, 57 MB RSS). A restart of the Java process goes back to auto.";
    }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException, AgentException {
        String[] words = args.isEmpty() ? new String[0] : args.split("\\s+");
        if (words.length == 0) {
            List<String> lines = context.agent().workers();
            context.print((lines.isEmpty() ? "No worker process has been started.\n" : String.join("\n", lines) + "\n")
                    + context.agent().spares() + "\n");
            return CellResult.ok(null);
        }
        switch (words[0]) {
            case "stop":
                if (words.length > 1) {
                    throw new MagicException("%workers stop takes nothing after it");
                }
                context.print("Ended " + context.agent().stop(BackgroundWork.WORKERS).workers() + " worker process(es).\n");
                return CellResult.ok(null);
            case "prestart":
                if (words.length == 1) {
                    context.print(context.agent().spares() + "\n");
                    return CellResult.ok(null);
                }
                if (words.length > 2) {
                    throw new MagicException("%workers prestart takes one word: a number, off or auto");
                }
                context.print(context.agent().prestart(spares(words[1])) + "\n");
                return CellResult.ok(null);
            default:
                throw new MagicException("unknown argument '" + args + "' (valid: nothing, stop, or prestart N|off|auto)");
        }
    }

    /** The number of spares asked for: -1 for auto. */
    private static int spares(String word) throws MagicException {
        switch (word) {
            case "off":
                return 0;
            case "auto":
                return -1;
            default:
                try {
                    int n = Integer.parseInt(word);
                    if (n >= 0 && n <= MOST) {
                        return n;
                    }
                } catch (NumberFormatException notANumber) {
                    // said below
                }
                throw new MagicException("%workers prestart needs a number of spares from 0 to " + MOST
                        + ", or off, or auto (not '" + word + "')");
        }
    }
}
