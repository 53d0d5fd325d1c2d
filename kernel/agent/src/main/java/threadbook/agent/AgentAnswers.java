package threadbook.agent;

import java.util.List;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.AgentLink;
import threadbook.agent.link.BackgroundWork;
import threadbook.agent.link.CpuReading;
import threadbook.agent.link.MimeBundle;
import threadbook.agent.link.Recording;
import threadbook.agent.link.Stopped;
import threadbook.workers.Spares;
import threadbook.workers.WorkerRegistry;

/** This JVM's answers to the kernel's questions (see AgentLink; asked through ThreadbookAgent.extensionCommand). */
final class AgentAnswers implements AgentLink {
    private static volatile boolean junitAdded;

    @Override
    public MimeBundle richValue() {
        Object value = ThreadbookAgent.takeLastValue();
        return Renderers.forResult(value, CellThreads.current());
    }

    @Override
    public MimeBundle richVariable(String className, String name) throws AgentException {
        Class<?> type = ThreadbookAgent.notebookClass(className);
        if (type == null) {
            throw new AgentException("the variable " + name + " is not defined in this Java process");
        }
        Object value;
        try {
            java.lang.reflect.Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            value = field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new AgentException("the variable " + name + " cannot be read: " + e);
        }
        return Renderers.forVariable(value);
    }

    @Override
    public CpuReading cpu() {
        CpuReading reading = new CpuReading(processCpuNanos(), WorkerRegistry.cpuNanos(), ThreadbookAgent.firstStart,
                ThreadbookAgent.lastEnd);
        ThreadbookAgent.firstStart = 0;
        return reading;
    }

    @Override
    public List<String> threads(int limit) {
        return Background.threads(limit);
    }

    @Override
    public String deadlocks() {
        return LockReport.deadlocks();
    }

    @Override
    public List<String> workers() {
        return Background.workers();
    }

    @Override
    public Stopped stop(BackgroundWork what) {
        return Background.stop(what);
    }

    @Override
    public void timelineStart() {
        Recorder.start();
    }

    @Override
    public Recording timelineStop() throws AgentException {
        try {
            return Recorder.stop();
        } catch (java.io.IOException | IllegalStateException e) {
            throw new AgentException("the recording failed: " + e.getMessage());
        }
    }

    @Override
    public List<threadbook.agent.link.TestOutcome> testReport() {
        return TestRunner.report();
    }

    @Override
    public boolean junitAdded() {
        return junitAdded;
    }

    @Override
    public void markJUnitAdded() {
        junitAdded = true;
    }

    @Override
    public void holdSpares() {
        Spares.hold();
    }

    @Override
    public void releaseSpares() {
        Spares.release();
    }

    @Override
    public String spares() {
        return Spares.status();
    }

    @Override
    public String prestart(int spares) {
        return Spares.prestart(spares);
    }

    /** CPU time of this whole JVM (every thread), in nanoseconds. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }
}
