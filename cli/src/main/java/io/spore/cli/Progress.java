package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** The one-line progress bar of long operations: bytes, blocks, peers, rate, ETA. */
final class Progress {
    private static final int WIDTH = 24;

    private Progress() {}

    static String bar(JsonNode ev) {
        long bytes = ev.path("bytes").asLong(), total = Math.max(1, ev.path("totalBytes").asLong());
        double frac = Math.min(1.0, (double) bytes / total);
        int fill = (int) Math.round(frac * WIDTH);
        long eta = ev.path("eta").asLong(-1);
        return String.format("[%s%s] %3d%% %s/%s  %d/%d blocks  %d peers  %s  ETA %s",
                "#".repeat(fill), " ".repeat(WIDTH - fill), Math.round(frac * 100), size(bytes), size(total),
                ev.path("blocks").asLong(), ev.path("totalBlocks").asLong(), ev.path("peers").asInt(),
                rate(ev.path("rate").asDouble()), eta < 0 ? "--:--" : String.format("%d:%02d", eta / 60, eta % 60));
    }

    static String size(long b) {
        if (b >= 1L << 30) return String.format("%.2f GiB", b / (double) (1L << 30));
        if (b >= 1L << 20) return String.format("%.1f MiB", b / (double) (1L << 20));
        return String.format("%.1f KiB", b / 1024.0);
    }

    static String rate(double bytesPerSecond) {
        return String.format("%.1f MB/s", bytesPerSecond / 1e6);
    }
}
