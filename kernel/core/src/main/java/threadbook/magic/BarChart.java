package threadbook.magic;

import java.util.List;
import java.util.Locale;

/** A horizontal bar chart, one bar per label, its value written at the bar's end. */
final class BarChart {
    record Bar(String label, double value) {}

    private static final String[] COLORS = {"#5382a1", "#e76f00", "#3a9d5d", "#b04a6e", "#7a6fb0", "#c9a227"};

    private BarChart() {}

    static Drawing draw(List<Bar> bars, String unit) {
        int labelWidth = 200;
        int barArea = 380;
        int rowHeight = 28;
        int height = bars.size() * rowHeight + 30;
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
        if (max <= 0) {
            max = 1;
        }
        Drawing d = new Drawing(labelWidth + barArea + 80, height, 13);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = 8 + i * rowHeight;
            double w = Math.max(1, b.value() / max * barArea);
            d.text(labelWidth - 8, y + 15, b.label(), Drawing.Anchor.END, "#000");
            d.rect(labelWidth, y, w, 20, COLORS[i % COLORS.length]);
            d.text(labelWidth + w + 6, y + 15, String.format(Locale.ROOT, "%.2f", b.value()));
        }
        d.text(labelWidth, height - 6, unit, Drawing.Anchor.START, "#666");
        return d;
    }

    /** The chart in words, for frontends that show only text: one line per bar, a bar of # to scale. */
    static String text(List<Bar> bars, String unit) {
        int width = bars.stream().mapToInt(b -> b.label().length()).max().orElse(0);
        double max = Math.max(1e-12, bars.stream().mapToDouble(Bar::value).max().orElse(1));
        StringBuilder t = new StringBuilder("Bar chart, " + unit + ":\n");
        for (Bar b : bars) {
            int n = (int) Math.round(Math.max(0, b.value()) / max * 40);
            t.append(String.format(Locale.ROOT, "  %-" + Math.max(1, width) + "s |%s %.2f%n", b.label(), "#".repeat(n), b.value()));
        }
        return t.toString();
    }

    static String escape(String text) {
        return Drawing.escape(text);
    }
}
