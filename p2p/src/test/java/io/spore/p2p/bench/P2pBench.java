package io.spore.p2p.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.spore.p2p.host.Connection;
import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.interop.JsPeer;
import io.spore.p2p.multiaddr.Multiaddr;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Prints loopback figures, all in one run so they share the machine's state: raw Java TCP, one
 * Yamux stream over Noise Spore->Spore, js-libp2p->js-libp2p and js-libp2p->Spore (when the npm
 * peers are installed), and full connection handshakes per second, Spore and js. Not a test:
 * nothing is asserted. Run with tests/bench/p2p-bench [MiB] [runs].
 */
public final class P2pBench {
    static final String SINK = "/spore/bench/sink/1.0.0";

    public static void main(String[] args) throws Exception {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        boolean all = args.length < 3 || !args[2].equals("spore"); // "spore": Spore->Spore streams only (for profiling)
        System.out.printf("machine: %d cores, %s; %d MiB per run, %d runs%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"), bytes >> 20, runs);
        for (int i = 0; i < runs; i++) rawTcp(bytes);
        System.out.printf("noise AEAD: %s%n", io.spore.p2p.noise.NoiseHandshakeHandler.aeadName());
        try (Host a = Hosts.start(HostConfig.defaults(KeyPair.generate()));
             Host b = Hosts.start(HostConfig.defaults(KeyPair.generate()))) {
            b.handle(SINK, (stream, conn) -> stream.pipeline().addLast(new Sink()));
            Multiaddr bAddr = b.listenAddresses().getFirst().withPeerId(b.peerId());
            Connection c = a.connect(bAddr).get(10, TimeUnit.SECONDS);
            send(c, Math.min(bytes, 512L << 20)); // warm-up
            for (int i = 0; i < runs; i++) {
                Cpu before = Cpu.now();
                long t = System.nanoTime();
                send(c, bytes);
                print("spore->spore, one yamux stream over noise", bytes, System.nanoTime() - t);
                Cpu.now().since(before, bytes);
            }
            if (!all) return;
            handshakes(a, bAddr, 50); // warm-up
            for (int i = 0; i < runs; i++) handshakes(a, bAddr, 200);
            js(bytes, runs, bAddr);
        }
    }

    static void print(String what, long bytes, long nanos) {
        double s = nanos / 1e9;
        System.out.printf("%-45s %7.0f MB/s  (%d MiB in %.2f s)%n", what, bytes / s / 1e6, bytes >> 20, s);
    }

    static void rawTcp(long bytes) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread reader = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    byte[] buf = new byte[65536];
                    while (in.read(buf) >= 0) {
                        // discard
                    }
                } catch (Exception ignored) {
                    // done
                } finally {
                    Cpu.exited(); // this thread is gone before the figures are taken
                }
            });
            Cpu before = Cpu.now();
            long t = System.nanoTime();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()); OutputStream out = s.getOutputStream()) {
                byte[] buf = new byte[65536];
                for (long left = bytes; left > 0; left -= buf.length) out.write(buf, 0, (int) Math.min(buf.length, left));
                s.shutdownOutput();
                reader.join();
            }
            print("raw java tcp (blocking sockets, 64 KiB writes)", bytes, System.nanoTime() - t);
            Cpu.now().since(before, bytes);
        }
    }

    static void handshakes(Host a, Multiaddr target, int count) throws Exception {
        java.util.concurrent.LinkedBlockingQueue<Connection> gone = new java.util.concurrent.LinkedBlockingQueue<>();
        a.onDisconnected(gone::add);
        long t = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Connection c = a.connect(target).get(10, TimeUnit.SECONDS);
            c.close();
            // Wait until the host has forgotten it, so the next connect dials anew.
            while (gone.take() != c) {
                // an older one
            }
        }
        double s = (System.nanoTime() - t) / 1e9;
        System.out.printf("%-45s %7.0f per s  (tcp + multistream + noise XX + yamux, sequential)%n", "spore->spore handshakes", count / s);
    }

    static void js(long bytes, int runs, Multiaddr sporeSink) throws Exception {
        if (!java.nio.file.Files.isDirectory(JsPeer.peersDir().resolve("node_modules"))) {
            System.out.println("js-libp2p peers not installed: run tests/setup/10-npm-peers.sh for the js figures");
            return;
        }
        try (JsPeer x = JsPeer.start("spore-peer.mjs", Map.of()); JsPeer y = JsPeer.start("spore-peer.mjs", Map.of())) {
            String yAddr = y.addresses().getFirst().toString();
            x.call("sink", Map.of("addr", yAddr, "bytes", 128L << 20), Duration.ofMinutes(5));
            for (int i = 0; i < runs; i++) {
                Cpu before = Cpu.now();
                JsonNode r = x.call("sink", Map.of("addr", yAddr, "bytes", bytes), Duration.ofMinutes(10));
                print("js->js, one yamux stream over noise", bytes, (long) (r.get("seconds").asDouble() * 1e9));
                Cpu.now().since(before, bytes);
            }
            for (int i = 0; i < runs; i++) {
                Cpu before = Cpu.now();
                JsonNode r = x.call("sink", Map.of("addr", sporeSink.toString(), "bytes", bytes), Duration.ofMinutes(10));
                print("js->spore, one yamux stream over noise", bytes, (long) (r.get("seconds").asDouble() * 1e9));
                Cpu.now().since(before, bytes);
            }
            x.call("handshakes", Map.of("addr", yAddr, "count", 50), Duration.ofMinutes(5));
            for (int i = 0; i < runs; i++) {
                JsonNode r = x.call("handshakes", Map.of("addr", yAddr, "count", 200), Duration.ofMinutes(5));
                System.out.printf("%-45s %7.0f per s  (%d of %d failed)%n", "js->js handshakes", r.get("perSecond").asDouble(), r.get("failed").asInt(), 200);
            }
        }
    }

    static void send(Connection c, long bytes) throws Exception {
        Channel s = c.openStream(SINK).get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> done = new CompletableFuture<>();
        s.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                done.complete(null);
            }

            @Override public void channelInactive(ChannelHandlerContext ctx) {
                done.completeExceptionally(new java.io.IOException("sink stream closed early"));
            }
        });
        ByteBuf chunk = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[256 * 1024]));
        long[] left = {bytes};
        Runnable pump = new Runnable() {
            @Override public void run() {
                while (left[0] > 0 && s.isWritable()) {
                    int n = (int) Math.min(chunk.capacity(), left[0]);
                    s.write(chunk.retainedSlice(0, n));
                    left[0] -= n;
                }
                s.flush();
                if (left[0] == 0) ((DuplexChannel) s).shutdownOutput();
            }
        };
        s.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable() && left[0] > 0) pump.run();
            }
        });
        s.eventLoop().execute(pump);
        done.get(30, TimeUnit.MINUTES);
        s.close();
    }

    /** Counts what arrives and answers the sender's FIN with one byte. */
    static final class Sink extends ChannelInboundHandlerAdapter {
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
        }

        @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{1})).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /**
     * CPU time spent per thread (this JVM's Java threads) and per child process (the js peers),
     * so that a figure measured on a busy machine can say what the code itself costs: CPU seconds
     * per GB, and the rate if the busiest thread (or process) had a core to itself.
     */
    record Cpu(Map<String, Long> nanos, long process) {
        static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
        static final Map<String, Long> EXITED = new java.util.concurrent.ConcurrentHashMap<>();

        static void exited() {
            EXITED.put("t" + Thread.currentThread().threadId(), THREADS.getCurrentThreadCpuTime());
        }

        static Cpu now() {
            Map<String, Long> m = new java.util.HashMap<>(EXITED);
            // Every OS thread of this JVM, GC and JIT included (10 ms resolution).
            try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
                tasks.forEach(t -> {
                    try {
                        String stat = java.nio.file.Files.readString(t.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        String comm = java.nio.file.Files.readString(t.resolve("comm")).strip();
                        if (ticks > 0) m.put("k" + t.getFileName() + " " + comm, ticks * 10_000_000L);
                    } catch (java.io.IOException | RuntimeException gone) {
                        // the thread ended meanwhile
                    }
                });
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            ProcessHandle.current().descendants().forEach(p -> p.info().totalCpuDuration().ifPresent(d -> m.put("p" + p.pid(), d.toNanos())));
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            return new Cpu(m, os.getProcessCpuTime());
        }

        static String name(String key) {
            if (key.startsWith("p")) return "pid " + key.substring(1);
            if (key.startsWith("k")) return key.substring(key.indexOf(' ') + 1);
            var info = THREADS.getThreadInfo(Long.parseLong(key.substring(1)));
            return info == null ? key : info.getThreadName();
        }

        void since(Cpu before, long bytes) {
            long busiest = 0, children = 0;
            java.util.List<String> top = new java.util.ArrayList<>();
            for (var e : nanos.entrySet()) {
                long d = e.getValue() - before.nanos.getOrDefault(e.getKey(), 0L);
                // The JIT still compiling (warm-up on a starved machine) is not on the data path.
                if (!e.getKey().contains(" C1 Compi") && !e.getKey().contains(" C2 Compi")) busiest = Math.max(busiest, d);
                if (e.getKey().startsWith("p")) children += d;
                if (d > 0.1e9 * bytes / 1e9) top.add(String.format("%s %.2f", name(e.getKey()), d / 1e9 / (bytes / 1e9)));
            }
            if (Boolean.getBoolean("bench.threads")) System.out.println("    threads over 0.1 s/GB: " + top);
            double gb = bytes / 1e9;
            System.out.printf("    cpu: %.2f s/GB in all (this JVM %.2f, js peers %.2f); busiest data-path thread or js peer %.2f s/GB"
                            + " -> %.0f MB/s with a core to itself%n",
                    (process - before.process + children) / 1e9 / gb, (process - before.process) / 1e9 / gb, children / 1e9 / gb,
                    busiest / 1e9 / gb, bytes / (busiest / 1e9) / 1e6);
            EXITED.clear();
        }
    }
}
