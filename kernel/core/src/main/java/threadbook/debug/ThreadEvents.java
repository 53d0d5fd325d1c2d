package threadbook.debug;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.EventRequestManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Callstack panel's thread list: the threads request, and thread started/exited events so the list
 * follows the program. Used under the debugger's lock.
 */
final class ThreadEvents {
    private final Supplier<VirtualMachine> vm;
    private final Threads threads;
    private final SuspendedThreads stopped;
    private final Replies replies;
    private final List<EventRequest> requests = new ArrayList<>();

    ThreadEvents(Supplier<VirtualMachine> vm, Threads threads, SuspendedThreads stopped, Replies replies) {
        this.vm = vm;
        this.threads = threads;
        this.stopped = stopped;
        this.replies = replies;
    }

    /**
     * Thread started/exited events. Platform threads only (JDK 21+ can say so): a cell that starts 10,000
     * virtual threads must not cost 20,000 events.
     */
    void follow() {
        VirtualMachine v = vm.get();
        if (v == null || !requests.isEmpty()) {
            return;
        }
        EventRequestManager erm = v.eventRequestManager();
        for (EventRequest r : List.<EventRequest>of(erm.createThreadStartRequest(), erm.createThreadDeathRequest())) {
            try {
                r.getClass().getMethod("addPlatformThreadsOnlyFilter").invoke(r);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // before JDK 21 every thread is a platform thread
            }
            r.setSuspendPolicy(EventRequest.SUSPEND_NONE);
            r.enable();
            requests.add(r);
        }
    }

    /** Stops following; {@code deleteFromVm} false when the requests died with their JVM. */
    void stop(boolean deleteFromVm) {
        VirtualMachine v = vm.get();
        if (deleteFromVm && v != null) {
            v.eventRequestManager().deleteEventRequests(requests);
        }
        requests.clear();
    }

    void event(ThreadReference thread, String reason) {
        try {
            if (!Threads.isUser(thread)) {
                return;
            }
        } catch (RuntimeException gone) {
            return;
        }
        JsonObject body = new JsonObject();
        body.addProperty("reason", reason);
        body.addProperty("threadId", threads.id(thread));
        replies.event("thread", body);
    }

    /** The threads reply's list: the notebook's threads, and any stopped virtual thread. */
    JsonArray list() {
        JsonArray list = new JsonArray();
        VirtualMachine v = vm.get();
        Set<Integer> listed = new HashSet<>();
        if (v != null) {
            for (ThreadReference t : Threads.user(v)) {
                int id = threads.id(t);
                listed.add(id);
                list.add(thread(id, t));
            }
        }
        // Virtual threads are not in allThreads; a stopped one is listed all the same.
        stopped.all().forEach((id, t) -> {
            if (!listed.contains(id)) {
                list.add(thread(id, t));
            }
        });
        return list;
    }

    private static JsonObject thread(int id, ThreadReference t) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("name", t.name());
        return o;
    }
}
