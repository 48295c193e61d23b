package io.spore.p2p.noise;

/** Prints the seal and open rate of {@link CipherState} on 65,519-byte frames (a figure, not a test). */
public final class CipherBench {
    public static void main(String[] args) throws Exception {
        byte[] key = new byte[32];
        CipherState enc = new CipherState(key, true), dec = new CipherState(key, false);
        byte[] plain = new byte[NoiseEncoder.MAX_PLAINTEXT], sealed = new byte[65535], opened = new byte[65535];
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            int n = 20000;
            for (int i = 0; i < n; i++) {
                enc.encrypt(null, plain, 0, plain.length, sealed, 0);
                dec.decrypt(null, sealed, 0, plain.length + 16, opened, 0);
            }
            double s = (System.nanoTime() - t) / 1e9;
            System.out.printf("seal+open: %.2f GB/s of plaintext (each direction)%n", (double) n * plain.length / s / 1e9);
        }
    }
}
