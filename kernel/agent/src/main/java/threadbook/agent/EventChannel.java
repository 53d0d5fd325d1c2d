package threadbook.agent;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** The agent's end of the event channel: events written whole, in order, from any thread. */
final class EventChannel {
    private final DataOutputStream out;
    private final OutputStream stream;
    private volatile boolean broken;

    public EventChannel(OutputStream stream) {
        this.stream = stream;
        this.out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
    }

    /** Writes and sends one event. A closed channel (the kernel is gone) drops it: nobody is listening. */
    public void send(Event event) {
        if (broken) {
            return;
        }
        synchronized (out) {
            try {
                Event.write(out, event);
                out.flush();
            } catch (IOException e) {
                broken = true;
            }
        }
    }

    /** Waits, at most {@code millis}, until every event sent so far has left the process (before it halts). */
    public void awaitDelivered(long millis) {
        if (!broken && stream instanceof UnixSockets.ShieldedOutputStream shielded) {
            shielded.awaitDelivered(millis);
        }
    }

    public boolean isBroken() {
        return broken;
    }
}
