package io.weft.examples.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A PNG of the run: per comparison, each side's throughput as a bar (relative to the group's best)
 * and its p99.
 */
final class Chart {
  private Chart() {}

  static void write(List<Bench.Row> rows, Path file) throws IOException {
    Map<String, List<Bench.Row>> groups = new LinkedHashMap<>();
    for (Bench.Row r : rows) {
      groups.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r);
    }
    int barH = 22;
    int width = 1700;
    int height = 40 + groups.values().stream().mapToInt(g -> 30 + g.size() * (barH + 6)).sum();
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(
        "Weft vs peers: throughput (bar, per comparison), p99 latency, server CPU per call; green: Weft's client or server",
        12,
        24);
    int y = 44;
    int labelW = 330;
    int barMax = 520;
    for (Map.Entry<String, List<Bench.Row>> e : groups.entrySet()) {
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      g.setColor(Color.DARK_GRAY);
      g.drawString(e.getKey(), 12, y + 14);
      y += 24;
      double best = e.getValue().stream().mapToDouble(r -> r.median().perSecond()).max().orElse(1);
      boolean openLoop = e.getKey().contains("open loop");
      double worstP99 = e.getValue().stream().mapToDouble(r -> r.median().p99us()).max().orElse(1);
      for (Bench.Row r : e.getValue()) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        g.drawString(r.side(), 24, y + 15);
        double frac =
            openLoop ? r.median().p99us() / Math.max(1, worstP99) : r.median().perSecond() / best;
        int w = (int) Math.round(frac * barMax);
        g.setColor(r.side().contains("weft") ? new Color(0x2e7d32) : new Color(0x78909c));
        g.fillRect(labelW, y + 2, Math.max(1, w), barH - 4);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        String text =
            openLoop
                ? String.format(
                    Locale.ROOT, "p99 %,.0f µs (p50 %,.0f)", r.median().p99us(), r.median().p50us())
                : String.format(
                    Locale.ROOT,
                    "%,.0f/s%s",
                    r.median().perSecond(),
                    r.median().p99us() > 0
                        ? String.format(Locale.ROOT, "  p99 %,.0f µs", r.median().p99us())
                        : "");
        if (!Double.isNaN(r.serverCpuUs())) {
          text += String.format(Locale.ROOT, "  server %.1f µs/call", r.serverCpuUs());
        }
        String ratios =
            r.ratio().isEmpty()
                ? ""
                : "   "
                    + (r.ratio().startsWith("Weft") ? "" : "Weft ")
                    + r.ratio()
                    + (r.cpuRatio().isEmpty() || r.cpuRatio().equals("—")
                        ? ""
                        : ", CPU/call " + r.cpuRatio());
        g.drawString(text + ratios, labelW + Math.max(1, w) + 8, y + 15);
        y += barH + 6;
      }
      y += 6;
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }
}
