package threadbook.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The agent's channels to the kernel (JShell's commands, the event channel) are Unix-domain sockets in a
 * folder only the user can enter: another user cannot even connect to them, let alone flood them.
 *
 * <p>The streams are our own: on JDK 17, {@code Channels.newInputStream} and {@code newOutputStream} of one
 * socket share a lock, so a write waits for a blocked read (JDK-8279339).
 */
public final class UnixSockets {
    private UnixSockets() {}

    /** Connects to the socket at {@code path} (blocking mode). */
    public static SocketChannel connect(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /**
     * Blocking streams straight on the channel, for threads nothing interrupts. An interrupt while a thread
     * reads or writes a channel closes the channel (it is an InterruptibleChannel); a socket's streams
     * would not care.
     */
    public static InputStream in(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                return channel.read(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    public static OutputStream out(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /**
     * A stream for threads that user code may interrupt (the agent's command thread runs the cells; any
     * user thread may send an event): a thread of its own reads the channel, and a read here waits for it
     * without giving in to an interrupt, which stays set for the code that asked for it.
     */
    public static InputStream shieldedIn(SocketChannel channel, String name) {
        BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(64);
        Thread reader = new Thread(() -> {
            InputStream in = in(channel);
            byte[] buffer = new byte[1 << 16];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    putUninterruptibly(chunks, Arrays.copyOf(buffer, n));
                }
            } catch (IOException closed) {
                // the end of the stream, as below
            }
            putUninterruptibly(chunks, END);
        }, name);
        reader.setDaemon(true);
        reader.start();
        return new InputStream() {
            private byte[] chunk = new byte[0];
            private int position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                while (chunk != END && position == chunk.length) {
                    chunk = takeUninterruptibly(chunks);
                    position = 0;
                    if (chunk == END) {
                        chunks.offer(END); // later reads see the end too
                    }
                }
                if (chunk == END) {
                    return -1;
                }
                int n = Math.min(len, chunk.length - position);
                System.arraycopy(chunk, position, b, off, n);
                position += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /**
     * The writing half of {@link #shieldedIn}: a write hands its bytes to a thread of the stream's own, which
     * writes them in order; a write fails once that thread could not write (the other end is gone).
     */
    public static ShieldedOutputStream shieldedOut(SocketChannel channel, String name) {
        return new ShieldedOutputStream(channel, name);
    }

    /** See {@link #shieldedOut}. */
    public static final class ShieldedOutputStream extends OutputStream {
        private final SocketChannel channel;
        private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(256);
        private final java.util.concurrent.atomic.AtomicReference<IOException> failed = new java.util.concurrent.atomic.AtomicReference<>();
        private final Object progress = new Object();
        private long handedOver; // chunks given to the writer thread, guarded by progress
        private long delivered; // chunks it has written, guarded by progress

        private ShieldedOutputStream(SocketChannel channel, String name) {
            this.channel = channel;
            Thread writer = new Thread(this::writeInOrder, name);
            writer.setDaemon(true);
            writer.start();
        }

        private void writeInOrder() {
            OutputStream out = out(channel);
            try {
                while (true) {
                    out.write(takeUninterruptibly(chunks));
                    synchronized (progress) {
                        delivered++;
                        progress.notifyAll();
                    }
                }
            } catch (IOException e) {
                failed.set(e);
                chunks.clear();
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            IOException e = failed.get();
            if (e != null) {
                throw new IOException("the connection to the kernel is closed", e);
            }
            if (len > 0) {
                synchronized (progress) {
                    handedOver++;
                }
                putUninterruptibly(chunks, Arrays.copyOfRange(b, off, off + len));
            }
        }

        /**
         * Waits until every byte written so far is in the socket, at most {@code millis}: for the last words of a
         * process that is about to halt (a shutdown hook), which a daemon writer thread would otherwise never send.
         * Returns whether they were delivered.
         */
        public boolean awaitDelivered(long millis) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
            boolean interrupted = false;
            try {
                synchronized (progress) {
                    long target = handedOver;
                    while (delivered < target && failed.get() == null) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        try {
                            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(progress, left);
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                    return failed.get() == null;
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static final byte[] END = new byte[0];

    private static byte[] takeUninterruptibly(BlockingQueue<byte[]> queue) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void putUninterruptibly(BlockingQueue<byte[]> queue, byte[] chunk) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    queue.put(chunk);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
