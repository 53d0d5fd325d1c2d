package threadbook.magic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A chart as a list of rectangles, lines and text, written out twice: as SVG (sharp, what trusted
 * notebooks, nbconvert and GitHub show) and as PNG. The PNG is there because JupyterLab and Notebook 7
 * refuse to draw an SVG output of an untrusted notebook (every notebook opened from disk) and fall back
 * to the next type they consider safe: an image, where a chart in HTML would have lost its drawing to
 * the HTML sanitizer and shown only its words.
 */
final class Drawing {
    private static final Logger LOG = Logger.getLogger(Drawing.class.getName());
    /** PNG pixels per SVG unit: sharp on high-density screens; the metadata keeps its displayed size. */
    private static final int PNG_SCALE = 2;

    enum Anchor { START, MIDDLE, END }

    private sealed interface Shape permits Rect, Line, Text {}

    private record Rect(double x, double y, double width, double height, String color) implements Shape {}

    private record Line(double x1, double y1, double x2, double y2, String color) implements Shape {}

    private record Text(double x, double y, String text, Anchor anchor, String color) implements Shape {}

    private final int width;
    private final int height;
    private final int fontSize;
    private final List<Shape> shapes = new ArrayList<>();

    Drawing(int width, int height, int fontSize) {
        this.width = width;
        this.height = height;
        this.fontSize = fontSize;
    }

    Drawing rect(double x, double y, double w, double h, String color) {
        shapes.add(new Rect(x, y, w, h, color));
        return this;
    }

    Drawing line(double x1, double y1, double x2, double y2, String color) {
        shapes.add(new Line(x1, y1, x2, y2, color));
        return this;
    }

    /** Text whose baseline starts (or is centred, or ends) at x, y. */
    Drawing text(double x, double y, String text, Anchor anchor, String color) {
        shapes.add(new Text(x, y, text, anchor, color));
        return this;
    }

    Drawing text(double x, double y, String text) {
        return text(x, y, text, Anchor.START, "#000");
    }

    /**
     * A standalone SVG document. Its width is 100% of the space it is given, no more than its own (max-width), and
     * its height follows from the viewBox: a printed page (nbconvert to PDF, a browser's print) is narrower than
     * the 750 units of a chart, which a fixed width would cut off at the margin.
     */
    String svg() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%%\" style=\"max-width: %dpx\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"sans-serif\" font-size=\"%d\">",
                width, width, height, fontSize));
        // A white ground: the chart stays legible on a dark theme, as the PNG does.
        s.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>", width, height));
        for (Shape shape : shapes) {
            if (shape instanceof Rect r) {
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                        r.x(), r.y(), r.width(), r.height(), r.color()));
            } else if (shape instanceof Line l) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
                        l.x1(), l.y1(), l.x2(), l.y2(), l.color()));
            } else if (shape instanceof Text t) {
                String anchor = t.anchor() == Anchor.START ? "" : " text-anchor=\"" + t.anchor().name().toLowerCase(Locale.ROOT) + "\"";
                String fill = t.color().equals("#000") ? "" : " fill=\"" + t.color() + "\"";
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s%s>%s</text>", t.x(), t.y(), anchor, fill,
                        escape(t.text())));
            }
        }
        return s.append("</svg>").toString();
    }

    /** The same picture as a base64 PNG, or null where this Java cannot draw (no fonts, no AWT). */
    String pngBase64() {
        try {
            if (System.getProperty("java.awt.headless") == null) {
                System.setProperty("java.awt.headless", "true");
            }
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width * PNG_SCALE, height * PNG_SCALE,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = image.createGraphics();
            try {
                g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setRenderingHint(java.awt.RenderingHints.KEY_STROKE_CONTROL, java.awt.RenderingHints.VALUE_STROKE_PURE);
                g.scale(PNG_SCALE, PNG_SCALE);
                g.setColor(java.awt.Color.WHITE);
                g.fillRect(0, 0, width, height);
                g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, fontSize));
                java.awt.FontMetrics metrics = g.getFontMetrics();
                for (Shape shape : shapes) {
                    if (shape instanceof Rect r) {
                        g.setColor(color(r.color()));
                        g.fill(new java.awt.geom.Rectangle2D.Double(r.x(), r.y(), r.width(), r.height()));
                    } else if (shape instanceof Line l) {
                        g.setColor(color(l.color()));
                        g.draw(new java.awt.geom.Line2D.Double(l.x1(), l.y1(), l.x2(), l.y2()));
                    } else if (shape instanceof Text t) {
                        g.setColor(color(t.color()));
                        double w = metrics.stringWidth(t.text());
                        double x = t.anchor() == Anchor.START ? t.x() : t.anchor() == Anchor.MIDDLE ? t.x() - w / 2 : t.x() - w;
                        g.drawString(t.text(), (float) x, (float) t.y());
                    }
                }
            } finally {
                g.dispose();
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            if (!javax.imageio.ImageIO.write(image, "png", png)) {
                return null;
            }
            return Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (IOException | RuntimeException | LinkageError e) {
            // A JDK without fonts or the desktop module: the SVG and the text still show the chart.
            LOG.log(Level.INFO, "could not draw the chart as PNG", e);
            return null;
        }
    }

    /**
     * The display bundle of the chart: SVG, PNG (when it could be drawn) and a text fallback; the
     * metadata gives the PNG its size in CSS pixels, as the PNG has more pixels than that.
     */
    Map<String, String> bundle(String plainText) {
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/plain", plainText);
        bundle.put("image/svg+xml", svg());
        String png = pngBase64();
        if (png != null) {
            bundle.put("image/png", png);
        }
        return bundle;
    }

    /** Metadata for {@link #bundle}: the size the PNG is shown at. */
    Map<String, Map<String, Integer>> metadata() {
        return Map.of("image/png", Map.of("width", width, "height", height));
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    private static java.awt.Color color(String hex) {
        String h = hex.substring(1);
        if (h.length() == 3) {
            h = "" + h.charAt(0) + h.charAt(0) + h.charAt(1) + h.charAt(1) + h.charAt(2) + h.charAt(2);
        }
        return new java.awt.Color(Integer.parseInt(h, 16));
    }

    /** Text for XML: markup escaped, and characters XML 1.0 forbids (control characters in a thread name) dropped. */
    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                default -> {
                    if (c == '\t' || c >= 0x20 && c != 0xFFFE && c != 0xFFFF && !(c >= 0xD800 && c <= 0xDFFF)) {
                        s.appendCodePoint(c);
                    }
                }
            }
        });
        return s.toString();
    }
}
