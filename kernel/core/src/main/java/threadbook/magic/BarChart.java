package threadbook.magic;

import java.util.List;
import java.util.Locale;

/** A horizontal bar chart as SVG text, for the frontend to draw. */
final class BarChart {
    record Bar(String label, double value) {}

    private static final String[] COLORS = {"#5382a1", "#e76f00", "#3a9d5d", "#b04a6e", "#7a6fb0", "#c9a227"};

    private BarChart() {}

    static String svg(List<Bar> bars, String unit) {
        int labelWidth = 200;
        int barArea = 380;
        int rowHeight = 28;
        int height = bars.size() * rowHeight + 30;
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
        if (max <= 0) {
            max = 1;
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"13\">",
                labelWidth + barArea + 80, height));
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = 8 + i * rowHeight;
            double w = Math.max(1, b.value() / max * barArea);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelWidth - 8, y + 15,
                    escape(b.label())));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\"/>", labelWidth, y,
                    w, COLORS[i % COLORS.length]));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2f</text>", labelWidth + w + 6, y + 15, b.value()));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#666\">%s</text>", labelWidth, height - 6, escape(unit)));
        return s.append("</svg>").toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
