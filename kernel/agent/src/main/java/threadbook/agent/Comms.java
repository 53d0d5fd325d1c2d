package threadbook.agent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The notebook's end of Jupyter comms (what widgets are made of). Comms opened here go to the frontend;
 * what the frontend sends is handled on one thread of the session, in the order it came, so a widget's
 * listeners see the changes in order and run in the notebook's JVM, also after the cell that made the
 * widget ended. Internal: notebooks use threadbook.api.widgets.
 */
public final class Comms {
    private static final Logger LOG = Logger.getLogger(Comms.class.getName());
    /** Messages of comms open here, by comm id: what handles a message from the frontend. */
    private static final Map<String, Consumer<CommMessage>> OPEN = new ConcurrentHashMap<>();
    /** Comm targets the frontend may open comms to: what to do with the open, returning the comm's handler. */
    private static final Map<String, Function<CommMessage, Consumer<CommMessage>>> TARGETS = new ConcurrentHashMap<>();
    private static final BlockingQueue<ToAgent.Comm> INBOX = new LinkedBlockingQueue<>();
    /** The token of the frontend message the comm thread is handling (see Event.Comm), 0 elsewhere. */
    private static final ThreadLocal<Long> HANDLING = ThreadLocal.withInitial(() -> 0L);
    private static final String THREAD_NAME = "threadbook-comms";

    private Comms() {}

    /** Starts the thread that handles the frontend's messages (before the first cell: it is the agent's). */
    static void start() {
        Thread t = new Thread(Comms::handleForever, THREAD_NAME);
        t.setDaemon(true);
        t.start();
    }

    /** Opens a comm to the frontend; {@code onMessage} gets the frontend's messages on it (close included). */
    public static void open(String commId, String target, String data, String metadata, List<byte[]> buffers,
                            Consumer<CommMessage> onMessage) {
        OPEN.put(commId, onMessage);
        send(CommMessage.open(commId, target, data, metadata, buffers));
    }

    public static void send(String commId, String data, List<byte[]> buffers) {
        send(CommMessage.msg(commId, data, buffers));
    }

    public static void close(String commId) {
        if (OPEN.remove(commId) != null) {
            send(CommMessage.close(commId, "{}"));
        }
    }

    /** From now on the frontend may open comms to {@code target}; {@code opener} returns the comm's handler. */
    public static void registerTarget(String target, Function<CommMessage, Consumer<CommMessage>> opener) {
        TARGETS.put(target, opener);
    }

    private static void send(CommMessage message) {
        Cells.sendNow(new Event.Comm(CellThreads.current(), HANDLING.get(), message));
    }

    static void received(ToAgent.Comm message) {
        INBOX.add(message);
    }

    private static void handleForever() {
        while (true) {
            ToAgent.Comm next;
            try {
                next = INBOX.take();
            } catch (InterruptedException e) {
                continue; // an interrupt of every thread (■, %threads stop) must not end the comms
            }
            HANDLING.set(next.token());
            try {
                handle(next.message());
            } catch (Throwable e) { // whatever a listener throws, the comms of the session go on
                LOG.log(Level.WARNING, "a comm message failed", e);
                e.printStackTrace();
            } finally {
                HANDLING.set(0L);
                Thread.interrupted();
            }
        }
    }

    private static void handle(CommMessage m) {
        switch (m.kind()) {
            case OPEN -> {
                Function<CommMessage, Consumer<CommMessage>> opener = TARGETS.get(m.target());
                if (opener == null) {
                    send(CommMessage.close(m.commId(), "{}"));
                    return;
                }
                OPEN.put(m.commId(), opener.apply(m));
            }
            case MSG -> {
                Consumer<CommMessage> handler = OPEN.get(m.commId());
                if (handler != null) {
                    handler.accept(m);
                }
            }
            case CLOSE -> {
                Consumer<CommMessage> handler = OPEN.remove(m.commId());
                if (handler != null) {
                    handler.accept(m);
                }
            }
        }
    }
}
