package threadbook.magic;

import threadbook.jshell.CellResult;

/**
 * %%processes N: runs the cell's code in N worker processes at once, each a JVM of its own; in the
 * code, {@code workerIndex} (0 to N-1) tells each which one it is.
 */
final class ProcessesMagic implements Magic {
    private static final String BODY = "__processesBody";

    @Override public String name() { return "processes"; }
    @Override public Form form() { return Form.CELL; }
    @Override public String summary() { return "run the cell in N worker processes at once (workerIndex tells each which it is)"; }
    @Override public String usage() {
        return "%%processes N\n...java using workerIndex (0 to N-1)...\n"
                + "e.g.  %%processes 4\n      System.out.println(\"I am worker \" + workerIndex + \", pid \" + ProcessHandle.current().pid());";
    }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException {
        int n;
        try {
            n = Integer.parseInt(args.strip());
        } catch (NumberFormatException e) {
            throw new MagicException("%%processes needs the number of processes, e.g. %%processes 4 (got '" + args + "')");
        }
        if (n < 1 || n > 64) {
            throw new MagicException("the number of processes must be between 1 and 64, not " + n);
        }
        if (body.isBlank()) {
            throw new MagicException("%%processes needs code below it to run");
        }
        // The body becomes a method of the notebook (so it travels to the workers with the other
        // classes); its lines keep their numbers in the cell: the method header sits on the magic's line.
        String method = "void " + BODY + "(int workerIndex) throws Exception {" + body + "\n}";
        CellResult defined = context.java(method);
        if (defined.isError()) {
            return defined;
        }
        CellResult ran = context.java("Workers.runEach(" + n + ", i -> " + BODY + "(i));");
        if (ran.isError()) {
            return ran;
        }
        return CellResult.ok(null);
    }
}
