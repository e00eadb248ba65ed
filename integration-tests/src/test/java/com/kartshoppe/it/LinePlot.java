package com.kartshoppe.it;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A line chart as a PNG, drawn with java.awt (headless): series of (x, y) points, y from 0 to 1,
 * and an optional vertical marker. Enough for a curve in the docs, no charting dependency.
 */
final class LinePlot {

    /** One line; points with a NaN y are gaps. */
    record Series(String name, Color color, double[] x, double[] y) {}

    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private LinePlot() {}

    static void write(
            Path png,
            String title,
            String xLabel,
            String yLabel,
            List<Series> series,
            double markerX,
            String markerLabel)
            throws IOException {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double x : s.x()) {
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
            }
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        double x0 = minX;
        double spanX = Math.max(1e-9, maxX - minX);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 10; i++) {
            int y = TOP + plotH - i * plotH / 10;
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.1f", i / 10.0), LEFT - 35, y + 4);
        }
        int ticks = 8;
        for (int i = 0; i <= ticks; i++) {
            double x = x0 + spanX * i / ticks;
            int px = LEFT + (int) Math.round(plotW * (x - x0) / spanX);
            g.drawString(String.format("%.0f", x), px - 10, TOP + plotH + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, TOP - 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(xLabel, LEFT + plotW / 2 - 80, HEIGHT - 15);
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(TOP + plotH / 2 + 60), 20);
        g.rotate(Math.PI / 2);
        if (Double.isFinite(markerX)) {
            int px = LEFT + (int) Math.round(plotW * (markerX - x0) / spanX);
            g.setColor(Color.GRAY);
            g.setStroke(
                    new BasicStroke(
                            1.5f,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_MITER,
                            10f,
                            new float[] {6f, 4f},
                            0f));
            g.drawLine(px, TOP, px, TOP + plotH);
            g.drawString(markerLabel, px + 5, TOP + 15);
        }
        int legendY = TOP + plotH - 15 * series.size();
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(new BasicStroke(2.5f));
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    prevX = -1;
                    continue;
                }
                int px = LEFT + (int) Math.round(plotW * (s.x()[i] - x0) / spanX);
                int py = TOP + plotH - (int) Math.round(plotH * s.y()[i]);
                g.fillOval(px - 3, py - 3, 6, 6);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                }
                prevX = px;
                prevY = py;
            }
            g.drawLine(LEFT + plotW - 190, legendY, LEFT + plotW - 165, legendY);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), LEFT + plotW - 160, legendY + 4);
            legendY += 15;
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
    }
}
