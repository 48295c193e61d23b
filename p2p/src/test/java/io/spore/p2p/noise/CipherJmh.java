package io.spore.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Seal and open of one full Noise transport frame (65,519 bytes of plaintext) with each AEAD
 * implementation, on the handshake's byte[] path and on the transport's pooled direct buffers.
 * Figures, not a test: {@code tests/bench/noise-aead-jmh} runs it (ops/s x 65,519 = bytes/s).
 * JMH measures wall-clock time, which a shared machine distorts; {@link #main} measures the same
 * operations in CPU time of the measuring thread instead ({@code tests/bench/noise-aead-jmh --cpu}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CipherJmh {
    static final int FRAME = NoiseEncoder.MAX_PLAINTEXT;

    @Param({"OPENSSL", "JDK", "SPLIT"})
    public String aead;

    CipherState enc, dec;
    byte[] plain = new byte[FRAME], sealed = new byte[FRAME + CipherState.TAG], opened = new byte[FRAME];
    ByteBuf plainBuf, sealedBuf, openedBuf;

    @Setup(Level.Trial)
    public void setUp() {
        CipherState.Aead a = CipherState.Aead.valueOf(aead);
        enc = new CipherState(new byte[32], true, a);
        dec = new CipherState(new byte[32], false, a);
        plainBuf = PooledByteBufAllocator.DEFAULT.directBuffer(FRAME).writeZero(FRAME);
        sealedBuf = PooledByteBufAllocator.DEFAULT.directBuffer(FRAME + CipherState.TAG);
        openedBuf = PooledByteBufAllocator.DEFAULT.directBuffer(FRAME);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        plainBuf.release();
        sealedBuf.release();
        openedBuf.release();
    }

    @Benchmark
    public int sealArray() {
        return enc.encrypt(null, plain, 0, FRAME, sealed, 0);
    }

    /** Seal then open (the decrypting side needs a message sealed at its own nonce). */
    @Benchmark
    public int sealOpenArray() throws NoiseException {
        enc.encrypt(null, plain, 0, FRAME, sealed, 0);
        return dec.decrypt(null, sealed, 0, sealed.length, opened, 0);
    }

    @Benchmark
    public int sealDirect() {
        sealedBuf.clear();
        enc.beginSeal();
        enc.sealPart(plainBuf, 0, FRAME, sealedBuf);
        enc.endSeal(sealedBuf);
        return sealedBuf.writerIndex();
    }

    @Benchmark
    public int sealOpenDirect() throws NoiseException {
        sealDirect();
        openedBuf.clear();
        return dec.open(sealedBuf, 0, sealedBuf.readableBytes(), openedBuf);
    }

    /** Seal and seal+open on direct buffers, in GB/s of plaintext per CPU second, for each implementation. */
    public static void main(String[] args) throws Exception {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 3; round++) {
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (CipherState.Aead a : CipherState.Aead.values()) {
                CipherJmh b = new CipherJmh(), c = new CipherJmh(); // c: its own nonces for seal-only
                b.aead = c.aead = a.name();
                b.setUp();
                c.setUp();
                int n = 3000;
                for (int i = 0; i < n; i++) b.sealOpenDirect(); // warm-up
                long t = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) c.sealDirect();
                long seal = threads.getCurrentThreadCpuTime() - t;
                t = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) b.sealOpenDirect();
                long both = threads.getCurrentThreadCpuTime() - t;
                b.tearDown();
                c.tearDown();
                double gb = (double) n * FRAME / 1e9;
                line.append(String.format("  %s seal %.2f, open %.2f GB/s", a.name().toLowerCase(java.util.Locale.ROOT),
                        gb / (seal / 1e9), gb / ((both - seal) / 1e9)));
            }
            System.out.println(line);
        }
    }
}
