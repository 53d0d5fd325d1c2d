package threadbook.debug;

import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.Location;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.EventRequestManager;
import com.sun.jdi.request.StepRequest;
import java.util.List;
import java.util.function.Function;

/** next, stepIn and stepOut: one line of the notebook's code at a time, in the one thread. */
final class Stepping {
    /** Stepping stays in the notebook's code: these classes are stepped through, not into. */
    static final List<String> NOT_STEPPED = List.of("java.*", "javax.*", "jdk.*", "sun.*", "com.sun.*", "threadbook.*");

    private Stepping() {}

    /** Asks for the thread's next stop {@code depth} (StepRequest.STEP_OVER, _INTO, _OUT) away; the caller resumes it. */
    static void step(ThreadReference thread, int depth) {
        EventRequestManager erm = thread.virtualMachine().eventRequestManager();
        erm.deleteEventRequests(erm.stepRequests().stream().filter(r -> r.thread().equals(thread)).toList());
        StepRequest step = erm.createStepRequest(thread, StepRequest.STEP_LINE, depth);
        NOT_STEPPED.forEach(step::addClassExclusionFilter);
        step.addCountFilter(1);
        step.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        step.putProperty("depth", depth);
        try {
            step.putProperty("from", thread.frame(0).location());
            step.putProperty("frames", thread.frameCount());
        } catch (IncompatibleThreadStateException e) {
            // not stopped: the step ends on its first line, whichever
        }
        step.enable();
    }

    /**
     * Whether {@code done} ended on the same cell line, in the same frame, as it started: JShell spreads one
     * cell line over several wrapper lines ({@code int r = twice(a);} becomes two), and a step is one cell
     * line. Then the step goes on, with {@link #again}.
     */
    static boolean sameLine(StepRequest done, Location here, int frames, Function<Location, Object> cellLine) {
        Object from = done.getProperty("from");
        return from instanceof Location start && start.method().equals(here.method())
                && Integer.valueOf(frames).equals(done.getProperty("frames"))
                && java.util.Objects.equals(cellLine.apply(start), cellLine.apply(here));
    }

    /** The same step once more, from where it ended, remembering where it began. */
    static void again(ThreadReference thread, StepRequest done) {
        EventRequestManager erm = thread.virtualMachine().eventRequestManager();
        int depth = (Integer) done.getProperty("depth");
        StepRequest step = erm.createStepRequest(thread, StepRequest.STEP_LINE, depth);
        NOT_STEPPED.forEach(step::addClassExclusionFilter);
        step.addCountFilter(1);
        step.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        step.putProperty("depth", depth);
        step.putProperty("from", done.getProperty("from"));
        step.putProperty("frames", done.getProperty("frames"));
        step.enable();
    }

    /** Wrapper code with no cell line (JShell's return from a snippet): the step goes on over it. */
    static void onward(ThreadReference thread) {
        StepRequest again = thread.virtualMachine().eventRequestManager().createStepRequest(
                thread, StepRequest.STEP_LINE, StepRequest.STEP_OVER);
        NOT_STEPPED.forEach(again::addClassExclusionFilter);
        again.addCountFilter(1);
        again.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        again.enable();
    }

    /** A cell ends a step the last cell left pending. */
    static void cancelAll(EventRequestManager erm) {
        if (!erm.stepRequests().isEmpty()) {
            erm.deleteEventRequests(erm.stepRequests());
        }
    }
}
