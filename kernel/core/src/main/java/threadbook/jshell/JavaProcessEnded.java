package threadbook.jshell;

import java.util.concurrent.TimeUnit;

/** What a student reads when the Java process that ran their cells has ended: why, and what is kept. */
final class JavaProcessEnded {
    private JavaProcessEnded() {
    }

    /**
     * The message for a cell that found the Java process gone. {@code process} is the agent JVM (null if
     * it never started); {@code interrupted}: an interrupt came before the kernel ended it; {@code kept}:
     * how many definitions the next session defines again.
     */
    static String message(Process process, boolean killedByKernel, boolean interrupted, boolean exitHookRan, int kept) {
        Integer code = null;
        if (process != null) {
            try {
                if (process.waitFor(2, TimeUnit.SECONDS)) {
                    code = process.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String cause;
        if (killedByKernel && interrupted) {
            cause = "The cell did not stop when interrupted (it may catch Throwable, wait for a lock, or block"
                    + " in native code), so the kernel ended the Java process and started a new one.";
        } else if (killedByKernel) {
            cause = "The kernel ended the Java process.";
        } else if (exitHookRan) {
            cause = "Your code called System.exit(" + (code == null ? "?" : code) + "), which ends the Java process.";
        } else if (code != null && code > 128) {
            cause = "The Java process was killed by signal " + (code - 128)
                    + (code == 137 ? " (SIGKILL: perhaps the machine ran out of memory)" : "") + ".";
        } else if (code != null) {
            cause = "The Java process ended with exit code " + code
                    + " without running its shutdown hooks (Runtime.halt, or a crash).";
        } else {
            cause = "The Java process ended.";
        }
        return cause + " Its variables are gone: run the cells that set them again. The next cell runs in a fresh Java"
                + " session" + (kept == 0 ? "." : ", where your " + kept + " method, class and import definition"
                + (kept == 1 ? " is" : "s are") + " defined again.");
    }
}
