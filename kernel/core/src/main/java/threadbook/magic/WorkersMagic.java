package threadbook.magic;

import threadbook.jshell.CellResult;

/** %workers lists the live worker processes (pid, state, CPU); %workers stop ends them. */
final class WorkersMagic implements Magic {
    @Override public String name() { return "workers"; }
    @Override public Form form() { return Form.LINE; }
    @Override public String summary() { return "list the live worker processes: pid, state, CPU time (stop: end them)"; }
    @Override public String usage() { return "%workers        list worker processes\n%workers stop   end them all now"; }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException {
        switch (args) {
            case "":
                String[] lines = (String[]) context.agent("workers", null);
                context.print(lines.length == 0 ? "No worker process has been started.\n" : String.join("\n", lines) + "\n");
                return CellResult.ok(null);
            case "stop":
                context.print("Ended " + context.agent("kill-workers", null) + " worker process(es).\n");
                return CellResult.ok(null);
            default:
                throw new MagicException("unknown argument '" + args + "' (valid: nothing, or stop)");
        }
    }
}
