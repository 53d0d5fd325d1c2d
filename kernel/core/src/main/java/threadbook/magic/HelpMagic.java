package threadbook.magic;

import threadbook.jshell.CellResult;

/** %help NAME: how to use a magic. */
final class HelpMagic implements Magic {
    @Override public String name() { return "help"; }
    @Override public Form form() { return Form.LINE; }
    @Override public String summary() { return "show how to use a magic"; }
    @Override public String usage() { return "%help NAME   e.g. %help timeit   (or: %timeit?)"; }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException {
        String name = args.replaceFirst("^%+", "").strip();
        if (name.isEmpty()) {
            throw new MagicException("%help needs the name of a magic. The magics are: " + context.magics().names());
        }
        Magic m = context.magics().find(name);
        if (m == null) {
            throw new MagicException("there is no magic named '" + name + "'. The magics are: " + context.magics().names());
        }
        context.print(Magics.help(m));
        return CellResult.ok(null);
    }
}
