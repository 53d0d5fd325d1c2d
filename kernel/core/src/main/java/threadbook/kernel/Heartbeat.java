package threadbook.kernel;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import threadbook.protocol.KernelSockets;

/**
 * The heartbeat channel: echoes pings while the kernel can serve requests. A kernel that can no longer serve
 * must not look alive to its clients: it stops, and the Jupyter server (which watches the process) restarts it.
 */
final class Heartbeat implements Runnable {
    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());

    private final ZMQ.Socket socket;
    private final BooleanSupplier running;
    private final BooleanSupplier canServe;
    private final Runnable stop;

    /** {@code canServe}: whether the channels' threads still run; {@code stop}: ends the kernel. */
    Heartbeat(ZMQ.Socket socket, BooleanSupplier running, BooleanSupplier canServe, Runnable stop) {
        this.socket = socket;
        this.running = running;
        this.canServe = canServe;
        this.stop = stop;
    }

    @Override
    public void run() {
        while (running.getAsBoolean()) {
            if (!canServe.getAsBoolean()) {
                LOG.severe("the kernel can no longer answer requests; it exits so that Jupyter restarts it");
                stop.run();
                return;
            }
            try {
                List<byte[]> frames = KernelSockets.receive(socket, 200);
                if (frames != null) {
                    KernelSockets.send(socket, frames);
                }
            } catch (org.zeromq.ZMQException e) {
                if (running.getAsBoolean()) {
                    LOG.warning("heartbeat: " + e.getMessage());
                }
            }
        }
    }
}
