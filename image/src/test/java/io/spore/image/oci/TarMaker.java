package io.spore.image.oci;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hand-made tars for the cases real tools rarely write (hostile names, odd orders); ustar plus PAX records. */
final class TarMaker {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TarMaker file(String name, String content) { return entry(name, '0', 0644, content.getBytes(StandardCharsets.UTF_8), "", Map.of()); }

    TarMaker dir(String name) { return entry(name, '5', 0755, new byte[0], "", Map.of()); }

    TarMaker symlink(String name, String target) { return entry(name, '2', 0777, new byte[0], target, Map.of()); }

    TarMaker hardlink(String name, String target) { return entry(name, '1', 0644, new byte[0], target, Map.of()); }

    TarMaker entry(String name, char type, int mode, byte[] content, String link, Map<String, String> pax) {
        return entry(name.getBytes(StandardCharsets.UTF_8), type, mode, content, link, pax, 0, 0);
    }

    TarMaker entry(byte[] name, char type, int mode, byte[] content, String link, Map<String, String> pax, int major, int minor) {
        if (!pax.isEmpty()) {
            ByteArrayOutputStream recs = new ByteArrayOutputStream();
            for (var e : pax.entrySet()) {
                byte[] body = (" " + e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.ISO_8859_1);
                int len = body.length + 1;
                while (String.valueOf(len).length() + body.length != len) len++;
                recs.writeBytes((len + "").getBytes(StandardCharsets.US_ASCII));
                recs.writeBytes(body);
            }
            header("PaxHeaders/x".getBytes(), 'x', 0644, recs.size(), "", 0, 0);
            data(recs.toByteArray());
        }
        header(name, type, mode, content.length, link, major, minor);
        data(content);
        return this;
    }

    private void header(byte[] name, char type, int mode, long size, String link, int major, int minor) {
        byte[] h = new byte[512];
        System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_700_000_000L);
        h[156] = (byte) type;
        byte[] l = link.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(l, 0, h, 157, Math.min(100, l.length));
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        octal(h, 329, 8, major);
        octal(h, 337, 8, minor);
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        octal(h, 148, 7, sum);
        out.writeBytes(h);
    }

    private void data(byte[] b) {
        out.writeBytes(b);
        out.writeBytes(new byte[(512 - b.length % 512) % 512]);
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = String.format("%0" + (len - 1) + "o", v);
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
    }

    byte[] bytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(out.toByteArray());
        all.writeBytes(new byte[1024]);
        return all.toByteArray();
    }

    static Map<String, String> pax(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }
}
