package threadbook.debug;

import com.google.gson.JsonObject;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import java.util.List;
import java.util.function.Supplier;
import threadbook.jshell.DebugTarget;

/**
 * The requests that show and move the notebook's threads: threads, stackTrace, continue, the steps and
 * pause. Used under the debugger's lock.
 */
final class ThreadControl {
    private final Supplier<VirtualMachine> vm;
    private final Supplier<DebugTarget> session;
    private final Threads threads;
    private final SuspendedThreads stopped;
    private final ThreadEvents threadEvents;
    private final CallStack callStack;
    private final NotebookVariables notebook;
    private final Replies replies;

    ThreadControl(Supplier<VirtualMachine> vm, Supplier<DebugTarget> session, Threads threads, SuspendedThreads stopped,
            ThreadEvents threadEvents, CallStack callStack, NotebookVariables notebook, Replies replies) {
        this.vm = vm;
        this.session = session;
        this.threads = threads;
        this.stopped = stopped;
        this.threadEvents = threadEvents;
        this.callStack = callStack;
        this.notebook = notebook;
        this.replies = replies;
    }

    JsonObject threadsReply(JsonObject request) {
        JsonObject body = new JsonObject();
        body.add("threads", threadEvents.list());
        return replies.ok(request, body);
    }

    JsonObject stackTrace(JsonObject request, JsonObject args) {
        int threadId = stopped.named(args, 1);
        if (stopped.get(threadId) == null) {
            return replies.fail(request, "Thread " + threadId + " is running: only a stopped thread has a call stack to show.");
        }
        try {
            return replies.ok(request, callStack.stackTrace(threadId,
                    Replies.integer(args, "startFrame", 0), Replies.integer(args, "levels", 0)));
        } catch (com.sun.jdi.IncompatibleThreadStateException e) {
            return replies.fail(request, "Thread " + threadId + " is running again.");
        }
    }

    /**
     * continue (depth -1), or a step. A step moves the one thread, the others stay as they are. continue,
     * as DAP has it, lets every stopped thread go on unless {@code singleThread} is asked (JupyterLab sends
     * continue with whichever thread it shows next, having dropped the one it shows now).
     */
    JsonObject resume(JsonObject request, JsonObject args, int depth) {
        int threadId = stopped.named(args, 1);
        ThreadReference thread = stopped.get(threadId);
        if (depth < 0) {
            boolean single = args.has("singleThread") && args.get("singleThread").getAsBoolean();
            if (stopped.isEmpty() || single && thread == null) {
                return replies.fail(request, "Thread " + threadId + " is not stopped.");
            }
            if (single) {
                stopped.forget(threadId);
                thread.resume();
                replies.continued(threadId, false);
            } else {
                stopped.resumeAll();
            }
            JsonObject body = new JsonObject();
            body.addProperty("allThreadsContinued", !single);
            return replies.ok(request, body);
        }
        if (thread == null) {
            return replies.fail(request, "Thread " + threadId + " is not stopped.");
        }
        Stepping.step(thread, depth);
        stopped.forget(threadId);
        thread.resume();
        return replies.ok(request, null);
    }

    JsonObject pause(JsonObject request, JsonObject args) {
        VirtualMachine vm = this.vm.get();
        if (vm == null) {
            return replies.fail(request, "The Java process is not running.");
        }
        List<ThreadReference> all = Threads.user(vm);
        for (ThreadReference t : all) {
            int id = threads.id(t);
            if (!stopped.contains(id)) {
                t.suspend();
                stopped.paused(id, t);
            }
        }
        Threads.Deadlock cycle = Threads.deadlock(all, notebook.lockNames());
        String deadlock = cycle == null ? null : cycle.text();
        if (deadlock == null && session.get() != null) {
            deadlock = session.get().deadlockReport(); // java.util.concurrent locks, which are not monitors
        }
        int threadId = Replies.integer(args, "threadId", 1);
        if (cycle != null) {
            threadId = threads.id(cycle.cycle().get(0)); // show where a deadlocked thread is stuck
        }
        if (!stopped.contains(threadId) && !stopped.isEmpty()) {
            threadId = stopped.all().keySet().iterator().next();
        }
        JsonObject body = new JsonObject();
        body.addProperty("reason", "pause");
        body.addProperty("threadId", threadId);
        body.addProperty("allThreadsStopped", true);
        if (deadlock != null) {
            body.addProperty("description", deadlock);
            body.addProperty("text", deadlock);
        }
        JsonObject reply = replies.ok(request, null);
        replies.event("stopped", body);
        return reply;
    }
}
