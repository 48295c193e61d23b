package io.spore.p2p.yamux;

/**
 * Limits of one Yamux session.
 *
 * @param maxInboundStreams streams the peer may have open at once (js uses 1000); more are reset
 * @param maxWindow a stream's receive window grows up to this (js: 16 MiB)
 * @param sessionWindowBudget the sum of grown receive windows over a session's streams; past it
 *        windows stay at the initial 256 KiB, which bounds the memory a peer can make us hold
 * @param maxDataFrame the longest Data frame this side writes (the peer may send up to our window)
 * @param maxAckBacklog outbound streams not yet acknowledged by the peer (the spec says 256)
 */
public record YamuxConfig(int maxInboundStreams, int maxWindow, long sessionWindowBudget, int maxDataFrame, int maxAckBacklog) {
    public static final String PROTOCOL_ID = "/yamux/1.0.0";
    public static final int INITIAL_WINDOW = 256 * 1024;

    public YamuxConfig {
        if (maxInboundStreams < 1) throw new IllegalArgumentException("maxInboundStreams must be at least 1");
        if (maxWindow < INITIAL_WINDOW) throw new IllegalArgumentException("maxWindow must be at least 256 KiB");
        if (maxDataFrame < 1024) throw new IllegalArgumentException("maxDataFrame must be at least 1 KiB");
        if (maxAckBacklog < 1) throw new IllegalArgumentException("maxAckBacklog must be at least 1");
    }

    public static YamuxConfig defaults() {
        return new YamuxConfig(1000, 16 * 1024 * 1024, 64L * 1024 * 1024, 256 * 1024, 256);
    }

    public YamuxConfig withMaxInboundStreams(int n) {
        return new YamuxConfig(n, maxWindow, sessionWindowBudget, maxDataFrame, maxAckBacklog);
    }

    public YamuxConfig withMaxWindow(int w) {
        return new YamuxConfig(maxInboundStreams, w, sessionWindowBudget, maxDataFrame, maxAckBacklog);
    }
}
