package io.spore.image.posix;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Walks a tree reading every file, to compare read(2) into heap buffers with a FileChannel. */
public final class ReadBench {
    public static void main(String[] args) throws Exception {
        byte[] root = args[0].getBytes();
        for (int round = 0; round < 3; round++) {
            for (String mode : new String[] {"fd-read", "filechannel"}) {
                long[] bytes = new long[1];
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                long t0 = System.nanoTime();
                TreeWalker.walk(root, (e, content) -> {
                    if (content == null) return;
                    switch (mode) {
                        case "fd-read" -> {
                            int n;
                            while ((n = content.read(buf.clear())) > 0) bytes[0] += n;
                        }
                        case "filechannel" -> {
                            // the same file reopened through /proc, read with java.nio
                            var fd = (TreeWalker.FdChannel) content;
                            try (FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + fd.fd()), StandardOpenOption.READ)) {
                                int n;
                                while ((n = ch.read(buf.clear())) > 0) bytes[0] += n;
                            }
                            while (content.read(buf.clear()) > 0) { /* keep the walker's count right */ }
                        }
                        default -> throw new IllegalStateException(mode);
                    }
                });
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%-12s %.3f s %6.0f MB/s%n", mode, s, bytes[0] / s / 1e6);
            }
        }
    }
}
