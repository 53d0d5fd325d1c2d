package threadbook;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import threadbook.kernel.Kernel;
import threadbook.protocol.ConnectionInfo;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Message;
import threadbook.protocol.Signer;
import threadbook.protocol.WireCodec;

/**
 * {@code threadbook.Main --train}: a short notebook session, run by install/install.sh on JVMs that record
 * which classes they load and which methods run hot (the JDK's AOT cache, or a CDS archive before JDK 24).
 * The kernel and its Java process then start from that archive: javac, JShell, JDI and ZeroMQ come mapped
 * and linked instead of being read, verified and linked again at every start.
 *
 * <p>It serves the same requests a notebook sends, over real sockets, so that what is recorded is what a
 * session runs: starting, compiling declarations and statements, printing many lines, values, errors,
 * completion, a worker process.
 */
final class Training {
    private Training() {}

    /** Cells a first notebook runs: each kind of snippet, output, a value, errors, threads. */
    static final List<String> CELLS = List.of(
            "int x = 1;",
            "1 + 1",
            "for (int i = 0; i < 10000; i++) System.out.println(i);",
            "void task(String name) throws InterruptedException {\n"
                    + "    System.out.println(\"Start \" + name);\n    Thread.sleep(10);\n}",
            "Thread t1 = new Thread(() -> { try { task(\"A\"); } catch (InterruptedException e) { } });\n"
                    + "t1.start();\nt1.join();",
            "record Point(int x, int y) {}\nnew Point(1, 2)",
            "List<Integer> xs = new ArrayList<>(List.of(3, 1, 2));\nCollections.sort(xs);\nxs",
            "ExecutorService pool = Executors.newFixedThreadPool(2);\nFuture<Integer> f = pool.submit(() -> 6 * 7);\n"
                    + "System.out.println(f.get());\npool.shutdown();",
            "IntStream.range(0, 1000).parallel().sum()",
            "System.err.println(\"to stderr\");",
            "int y = \"text\";",
            "Object o = null;\no.toString();",
            "%time x + 1",
            "String s = \"abc\";\ns.length()",
            // A worker's life, for the workers' AOT cache (see WorkerOptions): no spare, so the worker that
            // records is the pool's, and the cell waits for it to end, when it writes what it recorded.
            "%workers prestart off",
            "List<Long> workerPids;\ntry (WorkerPool pool = new WorkerPool(1)) {\n"
                    + "    System.out.println(pool.map(n -> { System.out.println(\"square of \" + n); return n * n; }, List.of(1, 2, 3)));\n"
                    + "    workerPids = pool.pids();\n}\n"
                    + "for (long pid : workerPids) ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());");

    static void run(Kernel.SessionFactory sessions) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        String key = UUID.randomUUID().toString();
        int[] ports = freePorts(5);
        ConnectionInfo info = new ConnectionInfo("tcp", loopback.getHostAddress(), ports[0], ports[1], ports[2],
                ports[3], ports[4], key, "hmac-sha256");
        Kernel kernel = new Kernel(info, sessions);
        Thread serving = new Thread(kernel::run, "threadbook-training-kernel");
        serving.start();
        WireCodec codec = new WireCodec(new Signer(key));
        String session = UUID.randomUUID().toString();
        try (ZContext context = new ZContext()) {
            ZMQ.Socket shell = KernelSockets.connect(context, SocketType.DEALER, info.address(info.shellPort()), null);
            ZMQ.Socket iopub = KernelSockets.connect(context, SocketType.SUB, info.address(info.iopubPort()), null);
            iopub.subscribe(new byte[0]);
            request(shell, iopub, codec, session, "kernel_info_request", new JsonObject());
            for (String cell : CELLS) {
                JsonObject content = new JsonObject();
                content.addProperty("code", cell);
                content.addProperty("silent", false);
                content.addProperty("store_history", true);
                content.add("user_expressions", new JsonObject());
                content.addProperty("allow_stdin", false);
                content.addProperty("stop_on_error", false);
                request(shell, iopub, codec, session, "execute_request", content);
            }
            JsonObject complete = new JsonObject();
            complete.addProperty("code", "Syst");
            complete.addProperty("cursor_pos", 4);
            request(shell, iopub, codec, session, "complete_request", complete);
            JsonObject inspect = new JsonObject();
            inspect.addProperty("code", "Thread.sleep");
            inspect.addProperty("cursor_pos", 8);
            inspect.addProperty("detail_level", 0);
            request(shell, iopub, codec, session, "inspect_request", inspect);
            JsonObject isComplete = new JsonObject();
            isComplete.addProperty("code", "for (int i = 0;");
            request(shell, iopub, codec, session, "is_complete_request", isComplete);
            JsonObject shutdown = new JsonObject();
            shutdown.addProperty("restart", false);
            request(shell, iopub, codec, session, "shutdown_request", shutdown);
        } finally {
            kernel.stop();
            serving.join(60_000);
            kernel.close();
        }
    }

    /** Sends a request and waits for its reply, reading iopub meanwhile as a frontend does. */
    private static void request(ZMQ.Socket shell, ZMQ.Socket iopub, WireCodec codec, String session, String type,
                                JsonObject content) throws IOException {
        Message request = Message.create(session, type, null, content, List.of());
        KernelSockets.send(shell, codec.encode(request));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            while (KernelSockets.receive(iopub, 0) != null) {
                // a frontend decodes and shows these; here they only need to be taken
            }
            List<byte[]> frames = KernelSockets.receive(shell, 20);
            if (frames == null) {
                continue;
            }
            try {
                Message reply = codec.decode(frames);
                if (reply.parentHeader().has("msg_id")
                        && reply.parentHeader().get("msg_id").getAsString().equals(request.id())) {
                    return;
                }
            } catch (WireCodec.BadMessageException e) {
                throw new IOException("the kernel's reply to " + type + " was not valid: " + e.getMessage(), e);
            }
        }
        throw new IOException("the kernel did not answer " + type + " within two minutes");
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
