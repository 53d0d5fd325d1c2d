package threadbook.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import threadbook.jshell.CellResult;

/**
 * The registry and what it answers without a Java session: unknown magics, a magic written with the wrong
 * number of %, bad arguments, %NAME?, %help and %lsmagic. Magics that run Java are tested against a real
 * kernel in MagicsIT.
 */
class MagicsTest {

    /** What the magics printed under the cell. */
    private final StringBuilder printed = new StringBuilder();

    /**
     * A context that only prints and hands out the registry: the magics tested here need nothing else, and one
     * that calls anything else (the Java session, the agent) fails the test with a message saying so. A proxy,
     * not a class, so that methods added to MagicContext later do not have to be written here.
     */
    private MagicContext context(Magics magics) {
        return (MagicContext) Proxy.newProxyInstance(MagicContext.class.getClassLoader(), new Class<?>[] {MagicContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "print" -> {
                        printed.append((String) args[0]);
                        yield null;
                    }
                    case "magics" -> magics;
                    case "toString" -> "the test's MagicContext";
                    default -> throw new UnsupportedOperationException("this test's magic context has no " + method.getName());
                });
    }

    private CellResult run(Magics magics, String cell) {
        List<MagicParser.Step> steps = MagicParser.parse(cell);
        assertEquals(1, steps.size(), cell);
        return magics.run(steps.get(0), context(magics));
    }

    private static void assertUsageError(CellResult r, String firstLine) {
        assertEquals(CellResult.Status.ERROR, r.status());
        assertEquals("UsageError", r.ename());
        assertEquals(firstLine, r.evalue(), "evalue is the message's first line");
        assertTrue(r.traceback().get(0).startsWith("\u001b[1;31mUsageError\u001b[0m: " + firstLine), r.traceback().toString());
    }

    /** A magic of the test's own, to see what the registry passes to a magic. */
    private record Recording(String name, Magic.Form form, List<String> calls) implements Magic {
        @Override public String summary() { return "records its calls"; }
        @Override public String usage() { return "%" + name + " ARGS"; }

        @Override
        public CellResult run(String args, String body, MagicContext context) throws MagicException {
            if (args.equals("bad")) {
                throw new MagicException("'bad' is not an argument of %" + name);
            }
            calls.add(args + "|" + body);
            return CellResult.ok("ran");
        }
    }

    /** %%test's example calls what notebook 01 defines, and checks it as the notebooks' checks do: many runs, not one. */
    @Test
    void theTestExampleIsOneTheNotebooksRun() throws Exception {
        String usage = Magics.standard().find("test").usage();
        java.nio.file.Path notebook = java.nio.file.Path.of(System.getProperty("user.dir")).getParent().getParent()
                .resolve("notebooks/01-threads.ipynb");
        String source = java.nio.file.Files.readString(notebook);
        java.util.regex.Matcher called = java.util.regex.Pattern.compile("(countWith\\w+)\\(").matcher(usage);
        assertTrue(called.find(), "the example counts with one of notebook 01's methods: " + usage);
        assertTrue(source.contains("long " + called.group(1) + "("), notebook + " defines " + called.group(1));
        assertFalse(usage.contains("@RepeatedTest(50)"), "a race found in 50 repetitions only now and then is no check: " + usage);
    }

    @Test
    void theStandardRegistryHasEachMagicOnceWithASummaryAndAUsage() {
        Magics magics = Magics.standard();
        Set<String> names = new HashSet<>();
        for (Magic m : magics.all()) {
            assertTrue(names.add(m.name()), "one magic per name: " + m.name());
            assertFalse(m.summary().isBlank(), m.name());
            assertFalse(m.usage().isBlank(), m.name());
            assertTrue(m.usage().contains(m.name()), "the usage of " + m.name() + " shows how to write it: " + m.usage());
            assertEquals(m, magics.find(m.name()));
        }
        for (String name : List.of("lsmagic", "help", "time", "timeit", "compare", "timeline", "test", "threads", "workers",
                "processes", "maven", "classpath", "jars")) {
            assertNotNull(magics.find(name), "%" + name + " is registered");
        }
        assertNull(magics.find("timeit?"));
        assertNull(magics.find("nosuch"));
        assertEquals(Magic.Form.CELL, magics.find("compare").form());
        assertEquals(Magic.Form.BOTH, magics.find("time").form());
        assertEquals(Magic.Form.LINE, magics.find("lsmagic").form());
        assertTrue(magics.names().startsWith("%lsmagic, %help, %time, %timeit, %%compare"), magics.names());
    }

    @Test
    void anUnknownMagicIsAUsageErrorListingTheMagics() {
        Magics magics = Magics.standard();
        CellResult r = run(magics, "%frobnicate now");
        assertUsageError(r, "there is no magic %frobnicate. The magics are: " + magics.names() + ". %lsmagic describes them.");
        assertUsageError(run(magics, "%%frobnicate\nint x;"), "there is no magic %%frobnicate. The magics are: "
                + magics.names() + ". %lsmagic describes them.");
        assertEquals("", printed.toString());
    }

    @Test
    void aCellMagicOnALineAndALineMagicAsACellSayHowToWriteThem() {
        List<String> calls = new ArrayList<>();
        Magics magics = new Magics(List.of(new Recording("cellonly", Magic.Form.CELL, calls),
                new Recording("lineonly", Magic.Form.LINE, calls)));
        CellResult asLine = run(magics, "%cellonly x");
        assertUsageError(asLine, "%%cellonly is a cell magic: write %%cellonly as the first line of the cell.");
        assertTrue(String.join("\n", asLine.traceback()).contains("%cellonly ARGS"), "the usage follows: " + asLine.traceback());
        assertUsageError(run(magics, "%%lineonly\nbody"), "%lineonly is a line magic: write it as %lineonly (one %), on a line of its own.");
        assertEquals(List.of(), calls, "neither ran");
    }

    @Test
    void aMagicGetsItsArgumentsStrippedAndACellMagicItsBody() {
        List<String> calls = new ArrayList<>();
        Magics magics = new Magics(List.of(new Recording("both", Magic.Form.BOTH, calls)));
        assertEquals("ran", run(magics, "%both   a  b   ").value());
        assertEquals("ran", run(magics, "%%both  c\nline 2").value());
        assertEquals(List.of("a  b|null", "c|\nline 2"), calls);
    }

    @Test
    void badArgumentsAreAUsageErrorWithTheMessageAndTheUsage() {
        List<String> calls = new ArrayList<>();
        Magics magics = new Magics(List.of(new Recording("both", Magic.Form.BOTH, calls)));
        CellResult r = run(magics, "%both bad");
        assertUsageError(r, "'bad' is not an argument of %both");
        assertTrue(r.traceback().get(0).endsWith("\nUsage: %both ARGS"), r.traceback().toString());
        assertEquals(List.of(), calls);
    }

    @Test
    void aQuestionMarkShowsTheHelpOfAMagicAndRunsNothing() {
        Magics magics = Magics.standard();
        Magic timeit = magics.find("timeit");
        CellResult r = run(magics, "%timeit?");
        assertEquals(CellResult.Status.OK, r.status());
        assertNull(r.value());
        assertEquals("%timeit / %%timeit: " + timeit.summary() + "\n\n" + timeit.usage() + "\n", printed.toString());
        printed.setLength(0);
        run(magics, "%compare?");
        assertTrue(printed.toString().startsWith("%%compare: "), "a cell magic's help spells it with %%: " + printed);
        printed.setLength(0);
        assertUsageError(run(magics, "%nosuch?"), "there is no magic %nosuch. The magics are: " + magics.names()
                + ". %lsmagic describes them.");
    }

    @Test
    void helpShowsTheSameAsTheQuestionMarkAndSaysWhatIsWrongOtherwise() {
        Magics magics = Magics.standard();
        run(magics, "%timeit?");
        String help = printed.toString();
        printed.setLength(0);
        assertEquals(CellResult.Status.OK, run(magics, "%help timeit").status());
        assertEquals(help, printed.toString());
        printed.setLength(0);
        run(magics, "%help %%timeit");
        assertEquals(help, printed.toString(), "the name may be written with its % signs");
        printed.setLength(0);
        assertUsageError(run(magics, "%help"), "%help needs the name of a magic. The magics are: " + magics.names());
        assertUsageError(run(magics, "%help nosuch"), "there is no magic named 'nosuch'. The magics are: " + magics.names());
        assertUsageError(run(magics, "%%help timeit\n"), "%help is a line magic: write it as %help (one %), on a line of its own.");
        assertEquals("", printed.toString());
    }

    @Test
    void lsmagicListsEveryMagicOnItsOwnLineWithItsSummary() {
        Magics magics = Magics.standard();
        assertEquals(CellResult.Status.OK, run(magics, "%lsmagic").status());
        List<String> lines = printed.toString().lines().toList();
        assertEquals("Magics (%name on a line of its own; %%name as the first line of a cell):", lines.get(0));
        assertEquals("%help NAME (or %NAME?) shows how to use one.", lines.get(lines.size() - 1));
        List<String> rows = lines.stream().filter(l -> l.startsWith("  ")).toList();
        assertEquals(magics.all().size(), rows.size(), printed.toString());
        int i = 0;
        for (Magic m : magics.all()) {
            String row = rows.get(i++);
            String spelled = switch (m.form()) {
                case LINE -> "%" + m.name();
                case CELL -> "%%" + m.name();
                case BOTH -> "%" + m.name() + " / %%" + m.name();
            };
            assertTrue(row.startsWith("  " + spelled + " "), row);
            assertTrue(row.endsWith(" " + m.summary()), row);
            // the summaries start in one column
            assertEquals(rows.get(0).indexOf(magics.all().iterator().next().summary()), row.indexOf(m.summary()), row);
        }
        assertUsageError(run(magics, "%lsmagic all"), "%lsmagic takes no arguments");
    }
}
