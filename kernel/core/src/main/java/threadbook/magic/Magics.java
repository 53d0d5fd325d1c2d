package threadbook.magic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import threadbook.jshell.CellResult;

/** The one registry of magics, and how a magic step of a cell is run. */
public final class Magics {
    private final Map<String, Magic> byName = new LinkedHashMap<>();

    public Magics(List<Magic> magics) {
        for (Magic m : magics) {
            byName.put(m.name(), m);
        }
    }

    /** Every magic Threadbook has. */
    public static Magics standard() {
        return new Magics(List.of(
                new LsMagic(), new HelpMagic(),
                new TimeMagic(), new TimeitMagic(), new CompareMagic(), new TimelineMagic(),
                new TestMagic(), new ThreadsMagic(), new WorkersMagic(), new ProcessesMagic(),
                new MavenMagic(), new ClasspathMagic(false), new ClasspathMagic(true)));
    }

    public Collection<Magic> all() {
        return byName.values();
    }

    public Magic find(String name) {
        return byName.get(name);
    }

    /** Runs a magic step; any misuse comes back as a UsageError that says what is valid. */
    public CellResult run(MagicParser.Step step, MagicContext context) {
        boolean cell = step.kind() == MagicParser.Step.Kind.CELL_MAGIC;
        String name = step.name();
        String prefix = cell ? "%%" : "%";
        if (name.endsWith("?")) {
            Magic m = find(name.substring(0, name.length() - 1));
            if (m != null) {
                context.print(help(m));
                return CellResult.ok(null);
            }
            name = name.substring(0, name.length() - 1);
        }
        Magic magic = find(name);
        if (magic == null) {
            return usageError("there is no magic " + prefix + name + ". The magics are: " + names()
                    + ". %lsmagic describes them.");
        }
        if (cell && magic.form() == Magic.Form.LINE) {
            return usageError("%" + name + " is a line magic: write it as %" + name + " (one %), on a line of its own.\n"
                    + magic.usage());
        }
        if (!cell && magic.form() == Magic.Form.CELL) {
            return usageError("%%" + name + " is a cell magic: write %%" + name + " as the first line of the cell.\n"
                    + magic.usage());
        }
        boolean held = magic.timesCode() && spares(context, true);
        try {
            return magic.run(step.args().strip(), cell ? step.body() : null, context);
        } catch (MagicException e) {
            return usageError(e.getMessage() + "\nUsage: " + magic.usage());
        } catch (threadbook.agent.link.AgentException e) {
            return usageError("the Java process could not answer (" + e.getMessage() + ")\nUsage: " + magic.usage());
        } finally {
            if (held) {
                spares(context, false);
            }
        }
    }

    /** Holds (or releases) the start of pre-started workers around a timed magic (see Magic.timesCode). */
    private static boolean spares(MagicContext context, boolean hold) {
        try {
            if (hold) {
                context.agent().holdSpares();
            } else {
                context.agent().releaseSpares();
            }
            return true;
        } catch (threadbook.agent.link.AgentException | RuntimeException theJavaProcessIsGone) {
            return false; // a new one has no spares to hold back
        }
    }

    String names() {
        List<String> list = new ArrayList<>();
        for (Magic m : all()) {
            list.add((m.form() == Magic.Form.CELL ? "%%" : "%") + m.name());
        }
        return String.join(", ", list);
    }

    static String help(Magic m) {
        String forms = spelled(m.form(), m.name());
        return forms + ": " + m.summary() + "\n\n" + m.usage() + "\n";
    }

    private static String spelled(Magic.Form form, String name) {
        if (form == Magic.Form.LINE) {
            return "%" + name;
        }
        if (form == Magic.Form.CELL) {
            return "%%" + name;
        }
        return "%" + name + " / %%" + name;
    }

    static String table(Collection<Magic> magics) {
        return magics.stream().map(m -> String.format("  %-22s %s", spelled(m.form(), m.name()), m.summary()))
                .collect(Collectors.joining("\n"));
    }

    static CellResult usageError(String message) {
        return CellResult.error("UsageError", message.lines().findFirst().orElse(message),
                List.of("\u001b[1;31mUsageError\u001b[0m: " + message));
    }
}
