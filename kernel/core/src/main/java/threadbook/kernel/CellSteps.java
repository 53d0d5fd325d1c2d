package threadbook.kernel;

import java.util.List;
import java.util.Map;
import threadbook.agent.Event;
import threadbook.jshell.CellResult;
import threadbook.jshell.JShellSession;
import threadbook.magic.MagicContext;
import threadbook.magic.MagicException;
import threadbook.magic.MagicParser;
import threadbook.magic.Magics;

/**
 * Runs the steps of one cell: its magics, and its Java through {@link JShellSession#runJava}, in order,
 * stopping at the first error. The value of the cell is the value of its last step. A cell without
 * magics is one Java step.
 */
final class CellSteps {
    private final Magics magics;
    private final CellOutput output;
    private final Restarter restarter;

    /** Ends a session and starts one with more jars on its startup class path (see MagicContext.startedWith). */
    interface Restarter {
        JShellSession restart(JShellSession old, List<java.nio.file.Path> jars) throws JShellSessions.StartFailure;
    }

    CellSteps(Magics magics, CellOutput output, Restarter restarter) {
        this.magics = magics;
        this.output = output;
        this.restarter = restarter;
    }

    CellResult run(JShellSession session, long cell, String label, String code) {
        if (!MagicParser.hasMagic(code)) {
            return session.runJava(cell, label, code);
        }
        CellResult result = CellResult.ok(null);
        JShellSession current = session;
        for (MagicParser.Step step : MagicParser.parse(code)) {
            if (step.kind() == MagicParser.Step.Kind.JAVA) {
                result = current.runJava(cell, label, step.code());
            } else {
                Context context = new Context(current, cell, label, step);
                result = magics.run(step, context);
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
        private JShellSession session;
        private final long cell;
        private final String label;
        private final MagicParser.Step step;

        Context(JShellSession session, long cell, String label, MagicParser.Step step) {
            this.session = session;
            this.cell = cell;
            this.label = label;
            this.step = step;
        }

        @Override
        public CellResult java(String code) {
            String placed = step.kind() == MagicParser.Step.Kind.LINE_MAGIC ? "\n".repeat(step.firstLine() - 1) + code : code;
            return session.runJava(cell, label, placed);
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
