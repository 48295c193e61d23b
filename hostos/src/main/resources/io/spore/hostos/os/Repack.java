import java.io.*;
import java.nio.file.*;
import java.util.*;
import java.util.zip.*;

/**
 * Rewrites jars for Spore OS in one JVM (a jar tool per jar cost minutes): entries stored, not
 * deflated (xz/squashfs compress them with everything else), sorted, with a fixed time, and
 * without what cannot run there (natives of other platforms; optionally bcprov's JCA provider
 * and post-quantum code, see build.sh).
 * Usage: java Repack.java EPOCH PRUNE_BC(0|1) OUT_DIR JAR...
 */
public class Repack {
    public static void main(String[] a) throws IOException {
        long time = Long.parseLong(a[0]) * 1000;
        boolean pruneBc = a[1].equals("1");
        Path outDir = Path.of(a[2]);
        for (int i = 3; i < a.length; i++) {
            Path in = Path.of(a[i]);
            String name = in.getFileName().toString();
            TreeMap<String, byte[]> entries = new TreeMap<>();
            byte[] manifest = null;
            try (ZipInputStream z = new ZipInputStream(new BufferedInputStream(Files.newInputStream(in)))) {
                for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                    if (e.isDirectory() || drop(name, e.getName(), pruneBc)) continue;
                    byte[] b = z.readAllBytes();
                    if (e.getName().equals("META-INF/MANIFEST.MF")) manifest = b; else entries.put(e.getName(), b);
                }
            }
            try (ZipOutputStream z = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(outDir.resolve(name))))) {
                if (manifest != null) put(z, "META-INF/MANIFEST.MF", manifest, time);
                for (var e : entries.entrySet()) put(z, e.getKey(), e.getValue(), time);
            }
        }
    }

    static boolean drop(String jar, String path, boolean pruneBc) {
        if (jar.startsWith("zstd-jni-")) {
            return path.matches("(darwin|win|freebsd|aix)/.*") || path.startsWith("linux/") && !path.startsWith("linux/amd64/");
        }
        if (jar.matches("jffi-.*-native\\.jar")) return path.startsWith("jni/") && !path.startsWith("jni/x86_64-Linux/");
        if (pruneBc && jar.startsWith("bcprov-")) {
            // pqc/crypto/lms stays: org.bouncycastle.crypto.util refers to it.
            return path.matches("org/bouncycastle/(jcajce|jce|x509)/.*")
                    || path.matches("org/bouncycastle/pqc/(jcajce|asn1|math)/.*")
                    || path.matches("org/bouncycastle/pqc/crypto/[^/]+/.*") && !path.startsWith("org/bouncycastle/pqc/crypto/lms/");
        }
        return false;
    }

    static void put(ZipOutputStream z, String name, byte[] b, long time) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(b.length);
        e.setCompressedSize(b.length);
        CRC32 c = new CRC32();
        c.update(b);
        e.setCrc(c.getValue());
        e.setTime(time);
        z.putNextEntry(e);
        z.write(b);
        z.closeEntry();
    }
}
