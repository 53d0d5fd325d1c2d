package threadbook.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import threadbook.agent.CellThreads;
import threadbook.agent.Cells;
import threadbook.agent.Event;

/**
 * What a cell can show besides printed text. Every cell imports these statically, so a cell can say
 * {@code display(x)}, {@code html("<b>hi</b>")} or {@code clearOutput()}. Output goes to the cell the
 * calling thread belongs to, like printed lines do.
 */
public final class Notebook {
    private Notebook() {}

    /** Shows a value in the cell: as its own bundle if it is Renderable (or an image), else as text. */
    public static void display(Object value) {
        List<String[]> rich = Cells.bundle(value);
        show(rich != null ? rich : bundle("text/plain", String.valueOf(value)));
    }

    /** Shows data of one MIME type (e.g. "text/html", "image/svg+xml"), with a plain-text fallback. */
    public static void display(String mimeType, String data) {
        show(bundle(mimeType, data));
    }

    /** Shows a value and returns a handle that replaces it in place later: {@code h.update(newValue)}. */
    public static DisplayHandle displayHandle(Object value) {
        return show(bundle("text/plain", String.valueOf(value)));
    }

    public static void html(String html) {
        display("text/html", html);
    }

    public static void markdown(String markdown) {
        display("text/markdown", markdown);
    }

    public static void svg(String svg) {
        display("image/svg+xml", svg);
    }

    /** Clears the cell's output now. */
    public static void clearOutput() {
        clearOutput(false);
    }

    /** Clears the cell's output; with {@code wait}, only when the next output arrives (no flicker). */
    public static void clearOutput(boolean wait) {
        Cells.send(new Event.ClearOutput(CellThreads.current(), wait));
    }

    /**
     * Fails with a clear message if this Java is older than {@code feature} (e.g. 21 for virtual
     * threads): put it first in a cell that needs a newer Java, so a reader on an older one knows why.
     */
    public static void requireJava(int feature, String forWhat) {
        int running = Runtime.version().feature();
        if (running < feature) {
            throw new UnsupportedOperationException("This needs Java " + feature + " or newer (" + forWhat
                    + "), and this kernel runs Java " + running + ". Install the kernel on a newer JDK:"
                    + " install/install.sh --java /path/to/jdk-" + feature + "+");
        }
    }

    /** Shows text in the frontend's pager (JupyterLab shows it below the cell). */
    public static void page(Object text) {
        Cells.send(new Event.Page(CellThreads.current(), String.valueOf(text)));
    }

    private static DisplayHandle show(List<String[]> bundle) {
        DisplayHandle handle = new DisplayHandle(UUID.randomUUID().toString());
        Cells.send(new Event.Display(CellThreads.current(), handle.id(), false, bundle));
        return handle;
    }

    /** A MIME bundle with one type, plus the plain-text fallback every frontend can show. */
    static List<String[]> bundle(String mimeType, String data) {
        Objects.requireNonNull(mimeType, "mimeType");
        List<String[]> bundle = new ArrayList<>();
        bundle.add(new String[] {mimeType, String.valueOf(data)});
        if (!mimeType.equals("text/plain")) {
            bundle.add(new String[] {"text/plain", "<" + mimeType + ">"});
        }
        return bundle;
    }

    /** A display that can be replaced in place (JupyterLab updates it where it stands). */
    public static final class DisplayHandle {
        private final String id;

        DisplayHandle(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public void update(Object value) {
            update("text/plain", String.valueOf(value));
        }

        public void update(String mimeType, String data) {
            Cells.send(new Event.Display(CellThreads.current(), id, true, bundle(mimeType, data)));
        }

        @Override
        public String toString() {
            return "DisplayHandle[" + id + "]";
        }
    }
}
