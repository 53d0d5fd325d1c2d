package threadbook.protocol;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import zmq.Msg;
import zmq.msg.MsgAllocator;

/**
 * Allocates the buffer of each incoming ZeroMQ frame, as soon as its header announced the size, so that
 * no header can take the kernel down.
 *
 * <p>JeroMQ 0.6.0 (the newest on Maven Central) trusts the 8-byte size of a long frame: a size that
 * reads as negative throws in its I/O thread (upstream issue #1005) and leaves the socket deaf, and any
 * process on the machine can send one without the key, before any signature is checked. Here a size that
 * cannot be right gets an empty frame instead (the bytes that follow are then read as frames of their
 * own, which the ZMTP handshake or the signature check refuses). Sizes above the socket's maximum never
 * get here (see {@link KernelSockets}); large frames share a budget, so that many connections each
 * announcing a large frame cannot exhaust the heap: once it is spent, they get empty frames too.
 */
final class FrameAllocator implements MsgAllocator {
    private static final Logger LOG = Logger.getLogger(FrameAllocator.class.getName());
    private static final Cleaner CLEANER = Cleaner.create();
    /** Frames this large count against the budget; smaller ones are cheap and never refused. */
    static final int LARGE = 1 << 20;

    private final long budget;
    private final AtomicLong largeInUse = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong();

    FrameAllocator(long budget) {
        this.budget = budget;
    }

    @Override
    public Msg allocate(int size) {
        if (size < 0) {
            warn("a frame header announced an impossible size (" + size + " bytes); the frame was refused");
            return new Msg(0);
        }
        if (size < LARGE) {
            return new Msg(size);
        }
        if (largeInUse.addAndGet(size) > budget) {
            largeInUse.addAndGet(-size);
            warn("frames announcing " + (size >> 20) + " MiB were refused: " + (budget >> 20)
                    + " MiB of large frames are being received already");
            return new Msg(0);
        }
        Msg msg = new Msg(size);
        // The budget comes back when the frame's buffer is garbage, i.e. once the kernel has read it.
        CLEANER.register(msg, () -> largeInUse.addAndGet(-size));
        return msg;
    }

    /** One line a minute at most: an attacker must not be able to fill the server's log either. */
    private void warn(String message) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if ((last == 0 || now - last > 60_000_000_000L) && lastWarning.compareAndSet(last, now)) {
            LOG.warning(message);
        }
    }
}
