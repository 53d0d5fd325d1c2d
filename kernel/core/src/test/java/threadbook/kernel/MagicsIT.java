package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.Poll;
import threadbook.client.SharedKernel;
import threadbook.protocol.Message;

/** Each magic's output, and its error paths, from the real kernel. */
@Tag("quiet") // %time's parallelism of two spinning threads depends on the cores other tests leave free
class MagicsIT extends SharedKernel {

    @Test
    void lsmagicAndHelpDescribeEveryMagic() {
        String list = client.execute("%lsmagic").stdout();
        for (String name : new String[] {"%time", "%timeit", "%%compare", "%threads", "%workers", "%%processes", "%help"}) {
            assertTrue(list.contains(name), list);
        }
        assertTrue(client.execute("%help timeit").stdout().contains("-n LOOPS"));
        assertTrue(client.execute("%timeit?").stdout().contains("-r RUNS"));
    }

    @Test
    void anUnknownMagicOrABadArgumentRunsNothingAndSaysWhatIsValid() {
        KernelClient.Execution unknown = client.execute("%nosuch 1\nSystem.out.println(\"must not run\");");
        assertEquals("error", unknown.status());
        assertEquals("UsageError", unknown.error().contentString("ename", ""));
        assertTrue(unknown.error().contentString("evalue", "").contains("%timeit"), "names the valid magics");
        assertEquals("", unknown.stdout());
        KernelClient.Execution bad = client.execute("%timeit -n many 1 + 1");
        assertEquals("UsageError", bad.error().contentString("ename", ""));
        assertTrue(bad.error().content().get("traceback").toString().contains("Usage: %timeit"));
        KernelClient.Execution wrongForm = client.execute("%compare");
        assertTrue(wrongForm.error().contentString("evalue", "").contains("cell magic"));
    }

    @Test
    void timeReportsWallCpuAndParallelismAndKeepsTheValue() {
        KernelClient.Execution sleep = client.execute("%time Thread.sleep(400)");
        double wall = seconds(sleep.stdout(), "Wall time: ([0-9.]+ m?s)");
        assertTrue(wall >= 0.39 && wall < 2.0, sleep.stdout());
        assertTrue(sleep.stdout().contains("mostly waiting"), sleep.stdout());
        KernelClient.Execution value = client.execute("%%time\nint twice(int x) { return 2 * x; }\ntwice(21)");
        assertEquals("42", value.result(), "the cell's value is still shown");
        KernelClient.Execution busy = client.execute("%%time\n"
                + "Runnable spin = () -> { long s = 0; for (long i = 0; i < 1_500_000_000L; i++) s += i; if (s == 1) System.out.println(s); };\n"
                + "Thread a = new Thread(spin); Thread b = new Thread(spin); a.start(); b.start(); a.join(); b.join();");
        Matcher m = Pattern.compile("Parallelism \\(CPU / wall\\): ([0-9.]+)").matcher(busy.stdout());
        assertTrue(m.find(), busy.stdout());
        // Two spinning threads use up to two cores; how many they get depends on the machine's load, so
        // this checks that the ratio tells busy from waiting, not that two cores were free.
        assertTrue(Double.parseDouble(m.group(1)) > 0.6, "busy threads: the ratio says so: " + busy.stdout());
    }

    @Test
    void timeitUsesIPythonsFormat() {
        KernelClient.Execution e = client.execute("%timeit -r 3 Math.sqrt(12345.0)");
        assertEquals("ok", e.status(), String.valueOf(e.error()));
        assertTrue(e.stdout().matches("(?s).*± .* per loop \\(mean ± std\\. dev\\. of 3 runs, [0-9,]+ loops each; \\d+ JIT warm-up runs not counted\\).*"),
                e.stdout());
        KernelClient.Execution n = client.execute("%timeit -n 5 -r 2 Thread.sleep(10)");
        assertTrue(n.stdout().contains("of 2 runs, 5 loops each"), n.stdout());
    }

    @Test
    void compareRunsVariantsInOrderAndRanksThem() {
        KernelClient.Execution e = client.execute("""
                %%compare
                void pause(String name) {
                    try { Thread.sleep(300); } catch (InterruptedException ex) { }
                    System.out.println("done " + name);
                }
                // --- one after another
                pause("A"); pause("B"); pause("C");
                // --- three threads
                Thread a = new Thread(() -> pause("A")), b = new Thread(() -> pause("B")), c = new Thread(() -> pause("C"));
                a.start(); b.start(); c.start(); a.join(); b.join(); c.join();
                """);
        assertEquals("ok", e.status(), String.valueOf(e.error()));
        String out = e.stdout();
        assertTrue(out.indexOf("-- one after another --") < out.indexOf("-- three threads --"), out);
        Message table = e.ofType("display_data").get(0);
        String text = table.content().getAsJsonObject("data").get("text/plain").getAsString();
        assertTrue(table.content().getAsJsonObject("data").get("text/html").getAsString().startsWith("<table>"), "a table");
        assertNoSvgInHtml(e);
        Message chart = e.ofType("display_data").get(1);
        assertChart(chart, "one after another", "three threads", "wall time (s)");
        String words = chart.content().getAsJsonObject("data").get("text/plain").getAsString();
        assertTrue(words.matches("(?s).*three threads +\\|#+ [0-9.]+\n.*"), "the chart in words for text-only frontends: " + words);
        Matcher rows = Pattern.compile("(?m)^(one after another|three threads)\\s+([0-9.]+ m?s).*?([0-9.]+)x$").matcher(text);
        double sequential = 0;
        double threads = 0;
        double speedup = 0;
        while (rows.find()) {
            if (rows.group(1).equals("one after another")) {
                sequential = toSeconds(rows.group(2));
            } else {
                threads = toSeconds(rows.group(2));
                speedup = Double.parseDouble(rows.group(3));
            }
        }
        assertTrue(sequential > 0.85 && sequential < 3, text);
        assertTrue(threads > 0.28 && threads < sequential, text);
        assertTrue(speedup > 1.5, "three sleeping threads beat one after another: " + text);
    }

    @Test
    void timelineShowsTheThreadsTheCellStartedFromFlightRecorderEvents() {
        KernelClient.Execution e = client.execute("""
                %%timeline
                Thread first = new Thread(() -> { try { Thread.sleep(500); } catch (InterruptedException x) { } }, "first sleeper");
                Thread second = new Thread(() -> { try { Thread.sleep(500); } catch (InterruptedException x) { } }, "second sleeper");
                first.start(); second.start(); first.join(); second.join();""");
        assertEquals("ok", e.status(), String.valueOf(e.error()));
        Message chart = e.ofType("display_data").get(0);
        assertChart(chart, "first sleeper", "second sleeper", "running");
        assertNoSvgInHtml(e);
        String text = chart.content().getAsJsonObject("data").get("text/plain").getAsString();
        Matcher m = Pattern.compile("(first|second) sleeper\\s+([0-9.]+) s →\\s+([0-9.]+) s\\s+waiting ([0-9.]+) s").matcher(text);
        int rows = 0;
        double[] starts = new double[2];
        while (m.find()) {
            starts[rows] = Double.parseDouble(m.group(2));
            assertTrue(Double.parseDouble(m.group(4)) >= 0.4, "each slept about 0.5 s: " + text);
            rows++;
        }
        assertEquals(2, rows, text);
        assertTrue(Math.abs(starts[0] - starts[1]) < 0.3, "they ran almost together: " + text);
    }

    @Test
    void threadsListsWhatCellsStarted() {
        client.execute("new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }, \"long-sleeper\").start();");
        String list = client.execute("%threads").stdout();
        assertTrue(list.contains("long-sleeper"), list);
        assertTrue(list.contains("started in cell ["), list);
        client.execute("%threads stop");
        // The interrupted thread ends on its own time, after %threads stop has answered.
        Poll.until(Duration.ofSeconds(30), "%threads no longer lists long-sleeper after %threads stop",
                () -> client.execute("%threads").stdout(), threads -> !threads.contains("long-sleeper"));
    }

    /**
     * A chart is an output of its own that a saved, untrusted notebook still draws: a standalone SVG
     * document (namespace, size, viewBox) holding the given words, and the same picture as a PNG
     * (what JupyterLab shows when it will not draw an untrusted SVG) shown at the SVG's size.
     */
    static void assertChart(Message display, String... words) {
        com.google.gson.JsonObject data = display.content().getAsJsonObject("data");
        assertTrue(data.has("image/svg+xml") && data.has("image/png") && data.has("text/plain"), data.keySet().toString());
        String svg = data.get("image/svg+xml").getAsString();
        org.w3c.dom.Element root;
        try {
            javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            root = factory.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(svg))).getDocumentElement();
        } catch (Exception ex) {
            throw new AssertionError("the SVG is not well-formed XML: " + ex.getMessage() + "\n" + svg, ex);
        }
        assertEquals("svg", root.getLocalName());
        assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
        // As wide as the page or cell allows, never wider than drawn (a printed page is narrower than a chart).
        assertEquals("100%", root.getAttribute("width"), svg);
        assertEquals("", root.getAttribute("height"), "the height follows the viewBox: " + svg);
        String[] box = root.getAttribute("viewBox").split(" ");
        assertEquals(4, box.length, svg);
        int width = Integer.parseInt(box[2]);
        int height = Integer.parseInt(box[3]);
        assertEquals("max-width: " + width + "px", root.getAttribute("style"), svg);
        org.w3c.dom.NodeList texts = root.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        java.util.List<String> shown = new java.util.ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            shown.add(texts.item(i).getTextContent());
        }
        for (String word : words) {
            assertTrue(shown.contains(word), word + " in " + shown);
        }
        assertTrue(root.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength() > 1, "bars besides the white ground: " + svg);
        java.awt.image.BufferedImage png;
        try {
            png = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                    java.util.Base64.getDecoder().decode(data.get("image/png").getAsString())));
        } catch (java.io.IOException ex) {
            throw new AssertionError("the PNG cannot be read", ex);
        }
        assertNotNull(png, "a PNG image");
        com.google.gson.JsonObject size = display.content().getAsJsonObject("metadata").getAsJsonObject("image/png");
        assertEquals(width, size.get("width").getAsInt());
        assertEquals(height, size.get("height").getAsInt());
        assertEquals(2 * width, png.getWidth(), "drawn at twice the size shown, for sharp high-density screens");
        assertEquals(2 * height, png.getHeight());
    }

    /** No HTML output carries a drawing: an untrusted notebook's sanitizer would strip it to its words. */
    static void assertNoSvgInHtml(KernelClient.Execution e) {
        for (Message m : e.iopub()) {
            com.google.gson.JsonObject data = m.content().getAsJsonObject("data");
            if (data != null && data.has("text/html")) {
                assertTrue(!data.get("text/html").getAsString().toLowerCase(java.util.Locale.ROOT).contains("<svg"), m.content().toString());
            }
        }
    }

    private static double seconds(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), text);
        return toSeconds(m.group(1));
    }

    static double toSeconds(String value) {
        assertNotNull(value);
        String[] parts = value.trim().split(" ");
        double v = Double.parseDouble(parts[0]);
        return parts[1].equals("ms") ? v / 1000 : parts[1].equals("µs") ? v / 1e6 : v;
    }
}
