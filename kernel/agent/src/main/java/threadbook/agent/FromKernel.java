package threadbook.agent;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads what the kernel sends back on the event channel and hands each message to whom it is for. */
final class FromKernel {
    private FromKernel() {}

    static void start(InputStream fromKernel, UserInput input) {
        Thread reader = new Thread(() -> {
            DataInputStream in = new DataInputStream(fromKernel);
            try {
                while (true) {
                    ToAgent message = ToAgent.read(in);
                    if (message instanceof ToAgent.InputReply r) {
                        input.replied(r.ok(), r.text());
                    } else if (message instanceof ToAgent.Comm c) {
                        Comms.received(c);
                    }
                }
            } catch (IOException closed) {
                input.replied(false, "the kernel has gone away");
            }
        }, "threadbook-kernel-reader");
        reader.setDaemon(true);
        reader.start();
    }
}
