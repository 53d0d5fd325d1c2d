package threadbook.remote;

import java.io.IOException;
import java.io.ObjectOutput;

/**
 * JShell's command stream to the agent, counting the commands sent: JShell flushes once per command and
 * then waits for the answer, so each flush is one round trip to the agent JVM. The count shows what a
 * cell costs in exchanges (see AgentExecutionControl#commandsSent).
 */
final class CommandCount implements ObjectOutput {
    private final ObjectOutput out;
    private final java.util.concurrent.atomic.AtomicLong flushes = new java.util.concurrent.atomic.AtomicLong();

    CommandCount(ObjectOutput out) {
        this.out = out;
    }

    long sent() {
        return flushes.get();
    }

    @Override public void flush() throws IOException {
        flushes.incrementAndGet();
        out.flush();
    }

    @Override public void writeObject(Object obj) throws IOException { out.writeObject(obj); }
    @Override public void write(int b) throws IOException { out.write(b); }
    @Override public void write(byte[] b) throws IOException { out.write(b); }
    @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
    @Override public void close() throws IOException { out.close(); }
    @Override public void writeBoolean(boolean v) throws IOException { out.writeBoolean(v); }
    @Override public void writeByte(int v) throws IOException { out.writeByte(v); }
    @Override public void writeShort(int v) throws IOException { out.writeShort(v); }
    @Override public void writeChar(int v) throws IOException { out.writeChar(v); }
    @Override public void writeInt(int v) throws IOException { out.writeInt(v); }
    @Override public void writeLong(long v) throws IOException { out.writeLong(v); }
    @Override public void writeFloat(float v) throws IOException { out.writeFloat(v); }
    @Override public void writeDouble(double v) throws IOException { out.writeDouble(v); }
    @Override public void writeBytes(String s) throws IOException { out.writeBytes(s); }
    @Override public void writeChars(String s) throws IOException { out.writeChars(s); }
    @Override public void writeUTF(String s) throws IOException { out.writeUTF(s); }
}
