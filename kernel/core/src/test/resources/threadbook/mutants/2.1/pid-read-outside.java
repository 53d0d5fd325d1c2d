// fails: computed in this notebook's JVM
record Cube(int n, long cube, long pid) implements java.io.Serializable {}

List<Cube> cubesInPool(List<Integer> numbers, int processes) {
    long pid = ProcessHandle.current().pid();   // read in the notebook, then carried to the workers
    try (WorkerPool pool = new WorkerPool(processes)) {
        return pool.map(n -> {
            Thread.sleep(300);
            return new Cube(n, (long) n * n * n, pid);
        }, numbers);
    }
}
