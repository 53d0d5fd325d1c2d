package threadbook.magic;

import threadbook.jshell.CellResult;

/** %lsmagic: lists every magic with its one-line summary. */
final class LsMagic implements Magic {
    @Override public String name() { return "lsmagic"; }
    @Override public Form form() { return Form.LINE; }
    @Override public String summary() { return "list the magics"; }
    @Override public String usage() { return "%lsmagic"; }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException {
        if (!args.isEmpty()) {
            throw new MagicException("%lsmagic takes no arguments");
        }
        context.print("Magics (%name on a line of its own; %%name as the first line of a cell):\n"
                + Magics.table(context.magics().all())
                + "\n\n%help NAME (or %NAME?) shows how to use one.\n");
        return CellResult.ok(null);
    }
}
