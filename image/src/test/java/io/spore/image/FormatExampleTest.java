package io.spore.image;

import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The worked example of FORMAT.md section 7, read from FORMAT.md itself, must be what the writer produces. */
class FormatExampleTest {
    @Test void writerProducesTheDocumentedBlocks() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("spore.root", ".."), "image", "FORMAT.md"));
        String example = doc.substring(doc.indexOf("## 7. Worked example"), doc.indexOf("## 8."));
        TestTrees.MemoryStore s = new TestTrees.MemoryStore();
        Cid root;
        try (ImageWriter w = new ImageWriter(s, 3)) {
            w.add(new Entry(new byte[0], FileType.DIRECTORY, 0755, 0, 0, 1_700_000_000_000_000_000L, 0, null, null, 0, TestTrees.noXattrs(), -1), null);
            byte[] c = TestTrees.b("hello\n");
            w.add(new Entry(TestTrees.b("hello.txt"), FileType.REGULAR, 0644, 1000, 1000, 1_700_000_000_123_456_789L, c.length, null, null, 0,
                    TestTrees.noXattrs(), -1), Channels.newChannel(new ByteArrayInputStream(c)));
            w.add(new Entry(TestTrees.b("link"), FileType.SYMLINK, 0777, 0, 0, 1_700_000_000_000_000_000L, 9, TestTrees.b("hello.txt"), null, 0,
                    TestTrees.noXattrs(), -1), null);
            root = w.finish();
        }
        Matcher m = Pattern.compile("\\n(baf[a-z2-7]+)\\n([0-9a-f]+)\\n").matcher(example);
        int blocks = 0;
        String last = null;
        while (m.find()) {
            Cid cid = Cid.parse(m.group(1));
            assertArrayEquals(HexFormat.of().parseHex(m.group(2)), s.blocks.get(cid), "block " + cid + " as documented");
            blocks++;
            last = m.group(1);
        }
        assertEquals(4, blocks);
        assertEquals(s.blocks.size(), blocks);
        assertEquals(last, root.toString(), "the root is the last block of the example");
        for (String g : new String[]{"0", "1", "2", "3", "255"}) {
            Matcher gm = Pattern.compile("GEAR\\[" + g + "] = 0x([0-9a-f]{16})").matcher(example);
            assertTrue(gm.find());
            assertEquals(Long.parseUnsignedLong(gm.group(1), 16), FastCdc.GEAR[Integer.parseInt(g)]);
        }
    }
}
