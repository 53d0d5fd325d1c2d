package threadbook.agent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.execution.Util;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;

/**
 * More command connections for JShell, one per kernel subshell: the agent's command thread is busy for as
 * long as the notebook's cell runs, and a subshell's cell must run meanwhile (load its classes, invoke its
 * code, answer %threads). Each lane is one more connection with a thread of its own that serves JShell's
 * commands on a {@link ThreadbookAgent} of its own, which loads and finds classes through the main one:
 * there is one class loader, so what one shell defines, every shell sees.
 *
 * <p>Asked for through JDI, as the stopper is, since the command socket may be running a cell: the kernel
 * sets {@link #request} to the path of a socket it listens on and interrupts {@link #opener}. The kernel
 * reads {@link #agents} and {@link #threads} through JDI too, to stop a lane's cell.
 */
final class Lanes {
    private static volatile Thread opener;
    /** Where the kernel listens for the next lane (set through JDI before it interrupts the opener). */
    private static volatile String request;
    /** Each lane's agent and the thread that runs its commands, in the order opened. */
    private static volatile ThreadbookAgent[] agents = new ThreadbookAgent[0];
    private static volatile Thread[] threads = new Thread[0];

    private Lanes() {}

    static void start(byte[] secret) {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    String path = request;
                    if (path != null) {
                        open(Path.of(path), secret);
                    }
                }
            }
        }, "threadbook-lane-opener");
        t.setDaemon(true);
        opener = t;
        t.start();
    }

    private static void open(Path path, byte[] secret) {
        ThreadbookAgent main = ThreadbookAgent.main();
        try {
            SocketChannel channel = UnixSockets.connect(path);
            OutputStream out = UnixSockets.shieldedOut(channel, "threadbook-lane-writer");
            out.write(secret);
            out.flush();
            ThreadbookAgent agent = new ThreadbookAgent(new SharedLoader(main));
            int index = agents.length;
            Thread t = new Thread(() -> {
                try {
                    ObjectOutputStream answers = new ObjectOutputStream(new BufferedOutputStream(out));
                    answers.flush();
                    ObjectInputStream commands = new ObjectInputStream(new BufferedInputStream(
                            UnixSockets.shieldedIn(channel, "threadbook-lane-reader")));
                    Util.forwardExecutionControl(agent, commands, answers);
                } catch (java.io.IOException e) {
                    // the kernel closed the lane (its subshell was deleted)
                }
            }, "threadbook-subshell-" + index);
            t.setDaemon(true);
            synchronized (Lanes.class) {
                ThreadbookAgent[] a = java.util.Arrays.copyOf(agents, index + 1);
                Thread[] th = java.util.Arrays.copyOf(threads, index + 1);
                a[index] = agent;
                th[index] = t;
                agents = a;
                threads = th;
            }
            t.start();
        } catch (java.io.IOException e) {
            System.err.println("threadbook: could not open a subshell's connection: " + e);
        }
    }

    /** Loads and finds classes through the main agent: one loader, so definitions are shared. */
    private record SharedLoader(ThreadbookAgent main) implements LoaderDelegate {
        @Override
        public void load(ClassBytecodes[] cbcs) throws jdk.jshell.spi.ExecutionControl.ClassInstallException,
                jdk.jshell.spi.ExecutionControl.NotImplementedException,
                jdk.jshell.spi.ExecutionControl.EngineTerminationException {
            main.load(cbcs);
        }

        @Override
        public void classesRedefined(ClassBytecodes[] cbcs) {
            try {
                main.redefine(cbcs);
            } catch (jdk.jshell.spi.ExecutionControl.ExecutionControlException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void addToClasspath(String path) throws jdk.jshell.spi.ExecutionControl.EngineTerminationException,
                jdk.jshell.spi.ExecutionControl.InternalException {
            main.addToClasspath(path);
        }

        @Override
        public Class<?> findClass(String name) throws ClassNotFoundException {
            Class<?> found = main.findClassOrNull(name);
            if (found == null) {
                throw new ClassNotFoundException(name);
            }
            return found;
        }
    }
}
