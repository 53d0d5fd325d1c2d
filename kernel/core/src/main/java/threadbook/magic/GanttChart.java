package threadbook.magic;

import java.util.List;
import java.util.Locale;

/** The %%timeline chart: a row per thread or worker, time across, colours for what it was doing. */
final class GanttChart {
    private static final String RUNNING = "#3a9d5d";
    private static final String WAITING = "#c9d6e3";
    private static final String BLOCKED = "#d9534f";
    private static final String TASK = "#e76f00";

    private GanttChart() {}

    static String svg(List<TimelineMagic.Row> rows, long from, long to) {
        int labelWidth = 210;
        int chartWidth = 520;
        int rowHeight = 22;
        int top = 10;
        int height = top + rows.size() * rowHeight + 60;
        double span = Math.max(1, to - from);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">",
                labelWidth + chartWidth + 20, height));
        for (int i = 0; i < rows.size(); i++) {
            TimelineMagic.Row r = rows.get(i);
            int y = top + i * rowHeight;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelWidth - 6, y + 14,
                    BarChart.escape(r.label)));
            if (r.end <= r.start) {
                continue;
            }
            if (!r.worker) {
                s.append(rect(labelWidth + x(r.start, from, span, chartWidth), y + 2, width(r.start, r.end, span, chartWidth), RUNNING));
            }
            for (long[] part : r.spans) {
                String color = part[2] == TimelineMagic.BLOCKED ? BLOCKED : part[2] == TimelineMagic.WAITING ? WAITING : TASK;
                s.append(rect(labelWidth + x(part[0], from, span, chartWidth), y + 2, width(part[0], part[1], span, chartWidth), color));
            }
        }
        int axisY = top + rows.size() * rowHeight + 6;
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", labelWidth, axisY,
                labelWidth + chartWidth, axisY));
        double seconds = span / 1e9;
        double step = seconds <= 1 ? 0.1 : seconds <= 5 ? 0.5 : seconds <= 20 ? 2 : 5;
        for (double t = 0; t <= seconds + 1e-9; t += step) {
            double xt = labelWidth + t / seconds * chartWidth;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>", xt, axisY + 14,
                    trim(t) + " s"));
        }
        int legendY = axisY + 34;
        s.append(legend(labelWidth, legendY, RUNNING, "running"));
        s.append(legend(labelWidth + 90, legendY, WAITING, "sleeping / waiting"));
        s.append(legend(labelWidth + 230, legendY, BLOCKED, "blocked on a lock"));
        s.append(legend(labelWidth + 370, legendY, TASK, "worker process task"));
        return s.append("</svg>").toString();
    }

    private static String trim(double t) {
        return t == Math.rint(t) ? String.valueOf((long) t) : String.format(Locale.ROOT, "%.1f", t);
    }

    private static double x(long at, long from, double span, int width) {
        return Math.max(0, (at - from) / span * width);
    }

    private static double width(long start, long end, double span, int width) {
        return Math.max(1, (end - start) / span * width);
    }

    private static String rect(double x, int y, double w, String color) {
        return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>", x, y, w, color);
    }

    private static String legend(int x, int y, String color, String text) {
        return String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>",
                x, y - 10, color, x + 16, y, text);
    }
}
