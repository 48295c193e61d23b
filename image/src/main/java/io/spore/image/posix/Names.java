package io.spore.image.posix;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Byte names shown to people: valid printable UTF-8 as is, everything else as \xNN. */
public final class Names {
    private Names() {}

    public static String show(byte[] name) {
        if (name == null) return "(null)";
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name));
        } catch (CharacterCodingException e) {
            chars = null;
        }
        StringBuilder sb = new StringBuilder(name.length + 8);
        if (chars != null) {
            for (int i = 0; i < chars.length(); ) {
                int cp = Character.codePointAt(chars, i);
                int n = Character.charCount(cp);
                if (cp == '\\') sb.append("\\\\");
                else if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                    for (byte b : String.valueOf(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) hex(sb, b);
                } else sb.appendCodePoint(cp);
                i += n;
            }
            return sb.toString();
        }
        for (byte b : name) {
            if (b == '\\') sb.append("\\\\");
            else if (b >= 0x20 && b < 0x7f) sb.append((char) b);
            else hex(sb, b);
        }
        return sb.toString();
    }

    /** The inverse of {@link #show}: UTF-8 text in which \\xNN is one byte and \\\\ a backslash. */
    public static byte[] parse(String shown) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(shown.length());
        for (int i = 0; i < shown.length(); ) {
            char c = shown.charAt(i);
            if (c == '\\' && i + 1 < shown.length() && shown.charAt(i + 1) == '\\') {
                out.write('\\');
                i += 2;
            } else if (c == '\\' && i + 3 < shown.length() && shown.charAt(i + 1) == 'x'
                    && Character.digit(shown.charAt(i + 2), 16) >= 0 && Character.digit(shown.charAt(i + 3), 16) >= 0) {
                out.write(Integer.parseInt(shown.substring(i + 2, i + 4), 16));
                i += 4;
            } else {
                int cp = shown.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return out.toByteArray();
    }

    private static void hex(StringBuilder sb, byte b) {
        sb.append("\\x").append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }

    /** {@code parent + "/" + name}, or {@code name} for the root's children. */
    public static byte[] child(byte[] parent, byte[] name) {
        if (parent.length == 0) return name.clone();
        byte[] p = new byte[parent.length + 1 + name.length];
        System.arraycopy(parent, 0, p, 0, parent.length);
        p[parent.length] = '/';
        System.arraycopy(name, 0, p, parent.length + 1, name.length);
        return p;
    }

    /** {@code root} (a path given by the user) joined with relative path {@code rel}, for messages. */
    public static byte[] under(byte[] root, byte[] rel) {
        if (rel.length == 0) return root;
        return child(root, rel);
    }
}
