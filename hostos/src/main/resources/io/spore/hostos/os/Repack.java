import java.io.*;
import java.nio.file.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.regex.*;
import java.util.zip.*;

/**
 * Rewrites jars for Spore OS in one JVM (a jar tool per jar cost minutes): entries stored, not
 * deflated (xz/squashfs compress them with everything else), sorted, with a fixed time, and
 * without what cannot run there (natives of other platforms) or is never reached (bcprov's classes
 * that no class of the given root jars leads to, see reachable()).
 * Usage: java Repack.java EPOCH ROOT_JARS(colon-separated, or - to keep bcprov whole) OUT_DIR JAR...
 */
public class Repack {
    public static void main(String[] a) throws IOException {
        long time = Long.parseLong(a[0]) * 1000;
        Set<String> bcKeep = a[1].equals("-") ? null : reachable(a[1].split(":"), a);
        Path outDir = Path.of(a[2]);
        for (int i = 3; i < a.length; i++) {
            Path in = Path.of(a[i]);
            String name = in.getFileName().toString();
            TreeMap<String, byte[]> entries = new TreeMap<>();
            byte[] manifest = null;
            try (ZipInputStream z = new ZipInputStream(new BufferedInputStream(Files.newInputStream(in)))) {
                for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                    if (e.isDirectory() || drop(name, e.getName(), bcKeep)) continue;
                    byte[] b = z.readAllBytes();
                    if (e.getName().equals("META-INF/MANIFEST.MF")) manifest = b; else entries.put(e.getName(), b);
                    // A pruned signed jar keeps only its manifest's main section (the digests are 800 kB).
                    if (manifest == b && bcKeep != null && name.startsWith("bcprov-")) manifest = mainSection(b);
                }
            }
            try (ZipOutputStream z = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(outDir.resolve(name))))) {
                if (manifest != null) put(z, "META-INF/MANIFEST.MF", manifest, time);
                for (var e : entries.entrySet()) put(z, e.getKey(), e.getValue(), time);
            }
        }
    }

    static boolean drop(String jar, String path, Set<String> bcKeep) {
        if (jar.startsWith("zstd-jni-")) {
            return path.matches("(darwin|win|freebsd|aix)/.*") || path.startsWith("linux/") && !path.startsWith("linux/amd64/");
        }
        if (jar.matches("jffi-.*-native\\.jar")) return path.startsWith("jni/") && !path.startsWith("jni/x86_64-Linux/");
        if (bcKeep != null && jar.startsWith("bcprov-")) {
            if (path.endsWith(".class")) return !bcKeep.contains(baseName(path));
            // The signature no longer matches a pruned jar; data files (picnic tables, x509
            // messages) go with the last class of their package.
            if (path.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")) return true;
            int slash = path.lastIndexOf('/');
            return path.startsWith("org/") && bcKeep.stream().noneMatch(c -> c.lastIndexOf('/') == slash && c.startsWith(path.substring(0, slash + 1)));
        }
        return false;
    }

    static final Pattern BC_REF = Pattern.compile("org[./]bouncycastle[./][A-Za-z0-9_$./]+");

    /**
     * bcprov's classes reachable from the root jars' classes: every name of a bcprov class in a
     * class file (constant pool, descriptors, and dotted strings that Class.forName could take) is
     * followed, with a class's outer and nested classes. A superset of what the JVM can load, so
     * the rest (the JCA provider, post-quantum and TLS code: most of its 8 MB) can go.
     */
    static Set<String> reachable(String[] roots, String[] args) throws IOException {
        Map<String, List<byte[]>> bc = new HashMap<>();
        for (int i = 3; i < args.length; i++) {
            if (!Path.of(args[i]).getFileName().toString().startsWith("bcprov-")) continue;
            try (ZipInputStream z = new ZipInputStream(new BufferedInputStream(Files.newInputStream(Path.of(args[i]))))) {
                for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                    if (e.getName().endsWith(".class")) bc.computeIfAbsent(baseName(e.getName()), k -> new ArrayList<>()).add(z.readAllBytes());
                }
            }
        }
        Deque<String> todo = new ArrayDeque<>();
        for (String r : roots) {
            try (ZipInputStream z = new ZipInputStream(new BufferedInputStream(Files.newInputStream(Path.of(r))))) {
                for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                    if (e.getName().endsWith(".class")) refs(z.readAllBytes(), todo);
                }
            }
        }
        Set<String> keep = new HashSet<>();
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (!bc.containsKey(c) || !keep.add(c)) continue;
            for (byte[] b : bc.get(c)) refs(b, todo);
            for (int d = c.lastIndexOf('$'); d > 0; d = c.lastIndexOf('$', d - 1)) todo.push(c.substring(0, d));
            for (String n : bc.keySet()) if (n.startsWith(c + "$")) todo.push(n);
        }
        return keep;
    }

    static void refs(byte[] classFile, Deque<String> out) {
        Matcher m = BC_REF.matcher(new String(classFile, StandardCharsets.ISO_8859_1));
        while (m.find()) out.push(m.group().replace('.', '/'));
    }

    static byte[] mainSection(byte[] manifest) {
        String m = new String(manifest, StandardCharsets.UTF_8).replace("\r\n", "\n");
        int end = m.indexOf("\n\n");
        return (end < 0 ? m : m.substring(0, end + 1)).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** org/x/Y for org/x/Y.class and META-INF/versions/N/org/x/Y.class. */
    static String baseName(String entry) {
        String p = entry.startsWith("META-INF/versions/") ? entry.substring(entry.indexOf('/', 18) + 1) : entry;
        return p.substring(0, p.length() - ".class".length());
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
