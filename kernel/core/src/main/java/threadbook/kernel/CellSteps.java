package threadbook.kernel;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import threadbook.agent.Event;
import threadbook.jshell.CellResult;
import threadbook.jshell.Interpreter;
import threadbook.magic.MagicContext;
import threadbook.magic.MagicException;
import threadbook.magic.MagicParser;
import threadbook.magic.Magics;
import threadbook.remote.CellRun;

/**
 * Runs the steps of one cell: its magics, and its Java through {@link Interpreter#runJava}, in order,
 * stopping at the first error. The value of the cell is the value of its last step. A cell without
 * magics is one Java step.
 */
final class CellSteps {
    private final Magics magics;
    private final CellOutput output;
    private final Restarter restarter;
    private final IOPub iopub;
    private final WidgetReruns reruns;

    /** Ends a session and starts one with more jars on its startup class path (see MagicContext.startedWith). */
    interface Restarter {
        Interpreter restart(Interpreter old, List<java.nio.file.Path> jars) throws JShellSessions.StartFailure;
    }

    CellSteps(Magics magics, CellOutput output, Restarter restarter, IOPub iopub, WidgetReruns reruns) {
        this.magics = magics;
        this.output = output;
        this.restarter = restarter;
        this.iopub = iopub;
        this.reruns = reruns;
    }

    /** Runs a magic again as run {@code run}, with a widget's new value; shows its error, if any. */
    CellResult rerun(Interpreter session, CellRun run, WidgetReruns.Asked asked) {
        WidgetReruns.Rerunnable what = asked.what();
        long cell = run.id();
        Context context = new Context(session, run, what.label(), what.step(), new MagicContext.Rerun(asked.value(), what.memo()));
        CellResult result = magics.run(what.step(), context);
        if (result.isError()) {
            iopub.error(output.parentOf(cell), result); // before the routing ends: into the Output, under the slider
        }
        context.endOutputRouting();
        return result;
    }

    CellResult run(Interpreter session, CellRun run, String label, String code) {
        if (!MagicParser.hasMagic(code)) {
            return session.runJava(run, label, code);
        }
        CellResult result = CellResult.ok(null);
        Interpreter current = session;
        for (MagicParser.Step step : MagicParser.parse(code)) {
            if (step.kind() == MagicParser.Step.Kind.JAVA) {
                result = current.runJava(run, label, step.code());
            } else {
                Context context = new Context(current, run, label, step, null);
                result = magics.run(step, context);
                context.endOutputRouting();
                current = context.session; // a magic may have restarted it
            }
            if (result.isError()) {
                return result;
            }
        }
        return result;
    }

    /** What a magic sees of the kernel while it runs in a cell. */
    private final class Context implements MagicContext {
        private Interpreter session;
        private final CellRun run;
        private final long cell;
        private final String label;
        private final MagicParser.Step step;
        private final Rerun rerun;
        /** The Output widget this cell's output is routed into, or null. */
        private String routedTo;

        Context(Interpreter session, CellRun run, String label, MagicParser.Step step, Rerun rerun) {
            this.session = session;
            this.run = run;
            this.cell = run.id();
            this.label = label;
            this.step = step;
            this.rerun = rerun;
        }

        @Override
        public void rerunOnChange(String modelId, String memo) {
            reruns.add(modelId, new WidgetReruns.Rerunnable(step, label, memo));
        }

        @Override
        public Rerun rerun() {
            return rerun;
        }

        @Override
        public void outputInto(String outputId) {
            routedTo = outputId;
            route(outputId, output.parentOf(cell).get("msg_id").getAsString());
            iopub.clearOutput(output.parentOf(cell), true);
        }

        /**
         * Ends what {@link #outputInto} started, when the magic returned (its output is out by then), as
         * ipywidgets does at the end of {@code with out:}: while the frontend routes a message's replies
         * into an Output, that message's status messages do not reach the widget that sent it either, and
         * a slider waits for the idle of its last update before it sends the next.
         */
        void endOutputRouting() {
            if (routedTo != null) {
                route(routedTo, "");
                routedTo = null;
            }
        }

        private void route(String outputId, String msgId) {
            // Published here, not through the session's widget: the frontend must know where to route
            // before the first output of the cell arrives, and both go out on iopub in this order.
            JsonObject parent = output.parentOf(cell);
            JsonObject state = new JsonObject();
            state.addProperty("msg_id", msgId);
            JsonObject data = new JsonObject();
            data.addProperty("method", "update");
            data.add("state", state);
            data.add("buffer_paths", new com.google.gson.JsonArray());
            JsonObject content = new JsonObject();
            content.addProperty("comm_id", outputId);
            content.add("data", data);
            JsonObject metadata = new JsonObject();
            metadata.addProperty("version", "2.1.0");
            iopub.comm("comm_msg", parent, content, metadata, List.of());
        }

        @Override
        public CellResult java(String code) {
            String placed = step.kind() == MagicParser.Step.Kind.LINE_MAGIC ? "\n".repeat(step.firstLine() - 1) + code : code;
            return session.runJava(run, label, placed);
        }

        @Override
        public void print(String text) {
            output.stream(cell, "stdout", text);
        }

        @Override
        public void display(Map<String, String> bundle) {
            List<String[]> entries = bundle.entrySet().stream().map(e -> new String[] {e.getKey(), e.getValue()}).toList();
            output.accept(new Event.Display(cell, "", false, entries));
        }

        @Override
        public void display(Map<String, String> bundle, Map<String, Map<String, Integer>> metadata) {
            output.display(cell, bundle, metadata);
        }

        @Override
        public threadbook.agent.link.AgentLink agent() {
            return session.agent();
        }

        @Override
        public void addToClasspath(List<java.nio.file.Path> paths) {
            for (java.nio.file.Path p : paths) {
                session.addToClasspath(p.toString());
            }
        }

        @Override
        public boolean startedWith(List<java.nio.file.Path> jars, String why) throws MagicException {
            if (session.startupJars().containsAll(jars)) {
                return false;
            }
            print(why + "\n");
            try {
                session = restarter.restart(session, jars);
            } catch (JShellSessions.StartFailure e) {
                throw new MagicException(e.getMessage());
            }
            return true;
        }

        @Override
        public String cellLine(StackTraceElement frame) {
            return session.cellLine(frame);
        }

        @Override
        public Magics magics() {
            return magics;
        }
    }
}
