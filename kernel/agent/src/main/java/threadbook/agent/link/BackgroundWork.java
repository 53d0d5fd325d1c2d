package threadbook.agent.link;

/** Which background work a stop ends: the user's threads, the worker processes, or both. */
public enum BackgroundWork {
    THREADS, WORKERS, ALL;

    public boolean threads() {
        return this != WORKERS;
    }

    public boolean workers() {
        return this != THREADS;
    }
}
