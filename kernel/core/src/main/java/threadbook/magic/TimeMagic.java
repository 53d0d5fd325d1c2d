package threadbook.magic;

import threadbook.agent.link.AgentException;
import threadbook.jshell.CellResult;

/** %time STATEMENT and %%time: wall time, CPU time of the whole JVM and its workers, and their ratio. */
final class TimeMagic implements Magic {
    @Override public boolean timesCode() { return true; }
    @Override public String name() { return "time"; }
    @Override public Form form() { return Form.BOTH; }
    @Override public String summary() { return "wall and CPU time of a statement or cell, and CPU/wall (parallelism)"; }
    @Override public String usage() { return "%time STATEMENT   e.g. %time Thread.sleep(500)\n%%time   (first line of a cell: times the whole cell)"; }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException, AgentException {
        String code = body != null ? body : args;
        if (body != null && !args.isEmpty()) {
            throw new MagicException("%%time takes no arguments; the cell below it is what is timed");
        }
        if (code.isBlank()) {
            throw new MagicException("%time needs something to time, e.g. %time fib(30)");
        }
        Timing.Cpu before = Timing.Cpu.read(context);
        CellResult result = context.java(code);
        if (!result.isError()) {
            context.print(Timing.between(before, Timing.Cpu.read(context)).report());
        }
        return result;
    }
}
