package threadbook.magic;

import java.util.List;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.BackgroundWork;
import threadbook.jshell.CellResult;

/** %workers lists the live worker processes (pid, state, CPU); %workers stop ends them. */
final class WorkersMagic implements Magic {
    @Override public String name() { return "workers"; }
    @Override public Form form() { return Form.LINE; }
    @Override public String summary() { return "list the live worker processes: pid, state, CPU time (stop: end them)"; }
    @Override public String usage() { return "%workers        list worker processes\n%workers stop   end them all now"; }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException, AgentException {
        switch (args) {
            case "":
                List<String> lines = context.agent().workers();
                context.print(lines.isEmpty() ? "No worker process has been started.\n" : String.join("\n", lines) + "\n");
                return CellResult.ok(null);
            case "stop":
                context.print("Ended " + context.agent().stop(BackgroundWork.WORKERS).workers() + " worker process(es).\n");
                return CellResult.ok(null);
            default:
                throw new MagicException("unknown argument '" + args + "' (valid: nothing, or stop)");
        }
    }
}
