package threadbook.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import threadbook.agent.link.MimeBundle;

/**
 * How values show in the notebook beyond their toString: Renderable values as their MIME bundle,
 * images as PNG, and a CompletableFuture as a display that says "running" and updates in place to its
 * result (or exception) when it completes. Every bundle has a text/plain fallback.
 */
final class Renderers {
    /** Returned for a value that was displayed already (a future): the cell shows no execute_result. */
    static final MimeBundle DISPLAYED = new MimeBundle(List.of());

    private Renderers() {}

    /** The rich bundle of a value, {@link #DISPLAYED}, or null when plain text says it all. */
    static MimeBundle forResult(Object value, long cell) {
        if (value instanceof CompletableFuture<?> future) {
            showFuture(future, cell);
            return DISPLAYED;
        }
        List<String[]> bundle = bundle(value);
        return bundle == null ? null
                : new MimeBundle(bundle.stream().map(e -> new MimeBundle.Entry(e[0], e[1])).toList());
    }

    /**
     * The rich bundle of a variable for the debugger's Variables panel, or null when plain text says it
     * all. Unlike {@link #forResult}, a future is not displayed: no cell is there to show it.
     */
    static MimeBundle forVariable(Object value) {
        List<String[]> bundle = bundle(value);
        return bundle == null ? null
                : new MimeBundle(bundle.stream().map(e -> new MimeBundle.Entry(e[0], e[1])).toList());
    }

    /**
     * The same bundle as MIME type, data, MIME type, data..., or null: the debugger calls this over JDI in
     * a thread stopped at a breakpoint (the agent's command channel waits for the cell then), and reads a
     * String[] without calling further methods.
     */
    static String[] flatBundle(Object value) {
        List<String[]> bundle = bundle(value);
        if (bundle == null) {
            return null;
        }
        String[] flat = new String[bundle.size() * 2];
        for (int i = 0; i < bundle.size(); i++) {
            flat[2 * i] = bundle.get(i)[0];
            flat[2 * i + 1] = bundle.get(i)[1];
        }
        return flat;
    }

    /** Whether a value shows as more than its text (without rendering it). */
    static boolean isRich(Object value) {
        return value instanceof CompletableFuture || value instanceof SelfRendering || isImage(value);
    }

    /** The MIME bundle of a rich value, or null if it has none. */
    public static List<String[]> bundle(Object value) {
        if (value instanceof SelfRendering r) {
            List<String[]> bundle = new ArrayList<>();
            boolean plain = false;
            for (Map.Entry<String, String> e : r.render().entrySet()) {
                bundle.add(new String[] {e.getKey(), e.getValue()});
                plain |= e.getKey().equals("text/plain");
            }
            if (!plain) {
                bundle.add(new String[] {"text/plain", String.valueOf(value)});
            }
            return bundle;
        }
        if (isImage(value)) {
            String png = png(value);
            if (png != null) {
                List<String[]> bundle = new ArrayList<>();
                bundle.add(new String[] {"image/png", png});
                bundle.add(new String[] {"text/plain", String.valueOf(value)});
                return bundle;
            }
        }
        return null;
    }

    private static void showFuture(CompletableFuture<?> future, long cell) {
        String id = UUID.randomUUID().toString();
        Cells.send(new Event.Display(cell, id, false, List.<String[]>of(new String[] {"text/plain",
            future.isDone() ? "CompletableFuture: completing…" : "CompletableFuture: running…"})));
        future.whenComplete((value, error) -> {
            List<String[]> bundle;
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                bundle = List.<String[]>of(new String[] {"text/plain", "CompletableFuture: failed with " + cause}, new String[] {
                    "text/html", "<span style=\"color:#b00\">CompletableFuture failed with " + escape(cause.toString()) + "</span>"});
            } else {
                List<String[]> rich = bundle(value);
                bundle = rich != null ? rich : List.<String[]>of(new String[] {"text/plain", "CompletableFuture: completed with " + value});
            }
            Cells.send(new Event.Display(cell, id, true, bundle));
        });
    }

    /** java.awt images are rendered through ImageIO; the check loads no AWT for other values. */
    private static boolean isImage(Object value) {
        if (value == null) {
            return false;
        }
        try {
            return Class.forName("java.awt.image.RenderedImage", false, null).isInstance(value);
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static String png(Object image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            javax.imageio.ImageIO.write((java.awt.image.RenderedImage) image, "png", bytes);
            return Base64.getEncoder().encodeToString(bytes.toByteArray());
        } catch (IOException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
