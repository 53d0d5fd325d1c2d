package threadbook.debug;

import com.google.gson.JsonObject;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.request.EventRequestManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The threads the debugger holds, and the stack frames the panels have numbered in them. Used under the
 * debugger's lock.
 */
final class SuspendedThreads {
    /** A numbered stack frame: frame {@code index} of a stopped thread. */
    record Frame(int threadId, ThreadReference thread, int index) {}

    private final Replies replies;
    private final Threads threads;
    private final Values values;
    private final Map<Integer, ThreadReference> stopped = new LinkedHashMap<>();
    /** Threads stopped by a breakpoint, step or exception: only those can run toString for the panel. */
    private final Set<Integer> byEvent = new HashSet<>();
    private final Map<Integer, Frame> frames = new HashMap<>();
    private int nextFrame = 1;

    SuspendedThreads(Replies replies, Threads threads, Values values) {
        this.replies = replies;
        this.threads = threads;
        this.values = values;
    }

    boolean isEmpty() {
        return stopped.isEmpty();
    }

    boolean contains(int id) {
        return stopped.containsKey(id);
    }

    ThreadReference get(int id) {
        return stopped.get(id);
    }

    Map<Integer, ThreadReference> all() {
        return stopped;
    }

    /** The thread a request names, else the first one stopped (else {@code fallback}). */
    int named(JsonObject args, int fallback) {
        return Replies.integer(args, "threadId", stopped.isEmpty() ? fallback : stopped.keySet().iterator().next());
    }

    /** Held by pause (suspended by the caller): it cannot run toString for the panel. */
    void paused(int id, ThreadReference t) {
        stopped.put(id, t);
    }

    Frame frame(int id) {
        return frames.get(id);
    }

    int number(int threadId, ThreadReference thread, int index) {
        int id = nextFrame++;
        frames.put(id, new Frame(threadId, thread, index));
        return id;
    }

    /** The thread in which the panel may run a value's toString: one stopped by an event, else null. */
    ThreadReference invoker(Frame frame) {
        return frame != null && byEvent.contains(frame.threadId()) ? frame.thread() : null;
    }

    /** Holds {@code thread} (stopped by a breakpoint, step or exception) and says so; false if held already. */
    boolean stop(ThreadReference thread, String reason, String description) {
        int id = threads.id(thread);
        if (stopped.containsKey(id)) {
            return false;
        }
        stopped.put(id, thread);
        byEvent.add(id);
        // A step still pending on this thread (a breakpoint came first) would stop it again later, unasked.
        EventRequestManager erm = thread.virtualMachine().eventRequestManager();
        erm.deleteEventRequests(erm.stepRequests().stream().filter(r -> r.thread().equals(thread)).toList());
        JsonObject body = new JsonObject();
        body.addProperty("reason", reason);
        body.addProperty("threadId", id);
        body.addProperty("allThreadsStopped", false);
        body.addProperty("preserveFocusHint", false);
        if (description != null) {
            body.addProperty("description", description);
            body.addProperty("text", description);
        }
        replies.event("stopped", body);
        return true;
    }

    /** The thread runs on (the caller resumes it): its frames and the panel's values are stale. */
    void forget(int threadId) {
        stopped.remove(threadId);
        byEvent.remove(threadId);
        frames.values().removeIf(f -> f.threadId() == threadId);
        values.clear();
    }

    void resumeAll() {
        List<Integer> resumed = new ArrayList<>(stopped.keySet());
        for (ThreadReference t : stopped.values()) {
            try {
                t.resume();
            } catch (RuntimeException e) {
                // ended or gone with the JVM
            }
        }
        clear();
        // One event per thread: JupyterLab forgets a stopped thread by the id a continued event names.
        resumed.forEach(id -> replies.continued(id, true));
    }

    /** Lets go of every thread without resuming it (its JVM is gone); returns their ids. */
    List<Integer> clear() {
        List<Integer> were = new ArrayList<>(stopped.keySet());
        stopped.clear();
        byEvent.clear();
        frames.clear();
        values.clear();
        return were;
    }
}
