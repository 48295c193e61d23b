package io.spore.tests.hostos;

import io.spore.hostos.OsBuild;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `container os build`: two builds from the same inputs give the same bytes, the packages used
 * are recorded inside the image, and kernel + initramfs stay within 40 MB (our goal; HyperOS has 50 MB).
 */
class SporeOsBuildTest {
    static final long LIMIT = 40_000_000L; // the goal (HyperOS: 50 MB)

    @Test
    void twoBuildsAreByteForByteEqualAndSmall() throws Exception {
        SporeOs.require("apt-get", "cpio", "xz", "depmod", "xorriso");
        OsBuild.Result a = SporeOs.first();
        Path b = Files.createTempDirectory("spore-os-b");
        try {
            SporeOs.build(b);
            for (String f : List.of("vmlinuz", "initrd.img", "spore-os.iso", "packages")) {
                assertEquals(-1L, Files.mismatch(a.out().resolve(f), b.resolve(f)), f + " differs between two builds");
            }
            long total = a.sizes().get("total");
            System.out.printf("spore-os size: vmlinuz %,d + initrd %,d = %,d bytes (%.1f MB); parts (xz): %s%n",
                    a.sizes().get("vmlinuz"), a.sizes().get("initrd"), total, total / 1e6, a.sizes());
            assertTrue(total <= LIMIT, "kernel + initramfs is " + total + " bytes, over " + LIMIT);
            assertEquals(Files.size(a.out().resolve("vmlinuz")) + Files.size(a.out().resolve("initrd.img")), total);

            // The versions are inside the image, as /etc/spore-os/packages.
            String listing = SporeOs.run(List.of("sh", "-c", "xz -dc --single-stream '" + a.out().resolve("initrd.img")
                    + "' | cpio -i --to-stdout etc/spore-os/packages 2>/dev/null"), 120);
            assertEquals(Files.readString(a.out().resolve("packages")), listing);
            assertTrue(listing.lines().anyMatch(l -> l.matches("linux-image-[0-9.]+-\\d+-amd64=.+")), listing);
            assertTrue(listing.lines().anyMatch(l -> l.startsWith("dropbear-bin=")), listing);
            assertTrue(listing.lines().anyMatch(l -> l.startsWith("jdk=25")), listing);
        } finally {
            SporeOs.deleteTree(b);
        }
    }
}
