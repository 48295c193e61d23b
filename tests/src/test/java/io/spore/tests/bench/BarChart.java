package io.spore.tests.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A grouped bar chart written as PNG with java.awt (headless): no plotting tool needed. */
final class BarChart {
    record Series(String name, Color color, double[] values) {}

    record Line(String name, Color color, double value) {}

    static final Color SPORE = new Color(0x2E7D32), BASE = new Color(0x9E9E9E), OTHER = new Color(0x1565C0), MARK = new Color(0xC62828);

    private final String title, yLabel;
    private final List<String> categories;
    private final List<Series> series = new ArrayList<>();
    private final List<Line> lines = new ArrayList<>();

    BarChart(String title, String yLabel, List<String> categories) {
        this.title = title;
        this.yLabel = yLabel;
        this.categories = categories;
    }

    BarChart series(String name, Color c, double... values) {
        if (values.length != categories.size()) throw new IllegalArgumentException(name + ": one value per category");
        series.add(new Series(name, c, values));
        return this;
    }

    /** A horizontal reference line across the plot (a goal or a baseline). */
    BarChart line(String name, Color c, double value) {
        lines.add(new Line(name, c, value));
        return this;
    }

    void write(Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = Math.max(720, 90 + categories.size() * (30 + 34 * series.size())), h = 440;
        int left = 70, right = 20, top = 50, bottom = 90;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 24);

        double max = 0;
        for (Series s : series) for (double v : s.values) max = Math.max(max, v);
        for (Line l : lines) max = Math.max(max, l.value);
        double step = niceStep(max / 5);
        double top_ = Math.max(step, Math.ceil(max * 1.08 / step) * step);
        int ph = h - top - bottom, pw = w - left - right;

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        for (double y = 0; y <= top_ + 1e-9; y += step) {
            int py = top + ph - (int) Math.round(y / top_ * ph);
            g.setColor(new Color(0xE0E0E0));
            g.drawLine(left, py, left + pw, py);
            g.setColor(Color.DARK_GRAY);
            String t = fmt(y);
            g.drawString(t, left - 6 - fm.stringWidth(t), py + 4);
        }
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        r.drawString(yLabel, -(top + ph / 2 + fm.stringWidth(yLabel) / 2), 16);
        r.dispose();

        int groupW = pw / Math.max(1, categories.size());
        int barW = Math.max(6, Math.min(34, (groupW - 16) / Math.max(1, series.size())));
        for (int c = 0; c < categories.size(); c++) {
            int gx = left + c * groupW + (groupW - barW * series.size()) / 2;
            for (int s = 0; s < series.size(); s++) {
                double v = series.get(s).values[c];
                if (Double.isNaN(v)) continue;
                int bh = (int) Math.round(v / top_ * ph);
                g.setColor(series.get(s).color);
                g.fillRect(gx + s * barW, top + ph - bh, barW - 2, bh);
                if (series.size() * categories.size() <= 16) {
                    g.setColor(Color.BLACK);
                    String t = fmt(v);
                    g.drawString(t, gx + s * barW + (barW - 2 - fm.stringWidth(t)) / 2, top + ph - bh - 3);
                }
            }
            g.setColor(Color.BLACK);
            String cat = categories.get(c);
            g.drawString(cat, left + c * groupW + (groupW - fm.stringWidth(cat)) / 2, top + ph + 16);
        }
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f));
        for (Line l : lines) {
            int py = top + ph - (int) Math.round(l.value / top_ * ph);
            g.setColor(l.color);
            g.drawLine(left, py, left + pw, py);
        }
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawLine(left, top, left, top + ph);
        g.drawLine(left, top + ph, left + pw, top + ph);

        int lx = left, ly = h - 40;
        for (Series s : series) lx = legend(g, fm, lx, ly, s.color, s.name, false);
        for (Line l : lines) lx = legend(g, fm, lx, ly, l.color, l.name + " (" + fmt(l.value) + ")", true);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static int legend(Graphics2D g, FontMetrics fm, int x, int y, Color c, String text, boolean line) {
        g.setColor(c);
        if (line) g.fillRect(x, y - 5, 14, 3);
        else g.fillRect(x, y - 10, 14, 12);
        g.setColor(Color.BLACK);
        g.drawString(text, x + 18, y);
        return x + 18 + fm.stringWidth(text) + 18;
    }

    private static double niceStep(double raw) {
        if (raw <= 0) return 1;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / mag;
        return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) return String.valueOf((long) v);
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }
}
