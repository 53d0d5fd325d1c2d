package threadbook.debug;

import com.sun.jdi.ThreadReference;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.EventRequestManager;
import com.sun.jdi.request.StepRequest;
import java.util.List;

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
