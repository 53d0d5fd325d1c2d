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

    static Drawing draw(List<TimelineMagic.Row> rows, long from, long to) {
        int labelWidth = 210;
        int chartWidth = 520;
        int rowHeight = 22;
        int top = 10;
        int height = top + rows.size() * rowHeight + 60;
        double span = Math.max(1, to - from);
        Drawing d = new Drawing(labelWidth + chartWidth + 20, height, 12);
        for (int i = 0; i < rows.size(); i++) {
            TimelineMagic.Row r = rows.get(i);
            int y = top + i * rowHeight;
            d.text(labelWidth - 6, y + 14, r.label, Drawing.Anchor.END, "#000");
            if (r.end <= r.start) {
                continue;
            }
            if (!r.worker) {
                d.rect(labelWidth + x(r.start, from, span, chartWidth), y + 2, width(r.start, r.end, span, chartWidth), 16, RUNNING);
            }
            for (long[] part : r.spans) {
                String color = part[2] == TimelineMagic.BLOCKED ? BLOCKED : part[2] == TimelineMagic.WAITING ? WAITING : TASK;
                d.rect(labelWidth + x(part[0], from, span, chartWidth), y + 2, width(part[0], part[1], span, chartWidth), 16, color);
            }
        }
        int axisY = top + rows.size() * rowHeight + 6;
        d.line(labelWidth, axisY, labelWidth + chartWidth, axisY, "#888");
        double seconds = span / 1e9;
        double step = seconds <= 1 ? 0.1 : seconds <= 5 ? 0.5 : seconds <= 20 ? 2 : 5;
        for (double t = 0; t <= seconds + 1e-9; t += step) {
            d.text(labelWidth + t / seconds * chartWidth, axisY + 14, trim(t) + " s", Drawing.Anchor.MIDDLE, "#555");
        }
        int legendY = axisY + 34;
        legend(d, labelWidth, legendY, RUNNING, "running");
        legend(d, labelWidth + 90, legendY, WAITING, "sleeping / waiting");
        legend(d, labelWidth + 230, legendY, BLOCKED, "blocked on a lock");
        legend(d, labelWidth + 370, legendY, TASK, "worker process task");
        return d;
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

    private static void legend(Drawing d, int x, int y, String color, String text) {
        d.rect(x, y - 10, 12, 12, color);
        d.text(x + 16, y, text);
    }
}
