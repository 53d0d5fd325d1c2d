// fails: computed by 1 processes
record Cube(int n, long cube, long pid) implements java.io.Serializable {}

List<Cube> cubesInPool(List<Integer> numbers, int processes) {
    try (WorkerPool pool = new WorkerPool(1)) {   // ignores `processes`
        return pool.map(n -> {
            Thread.sleep(300);
            return new Cube(n, (long) n * n * n, ProcessHandle.current().pid());
        }, numbers);
    }
}
