package io.spore.image.oci;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;

/** os/architecture[/variant] as image indexes and configs name them. */
record Platform(String os, String arch, String variant) {
    static Platform parse(String s) throws IOException {
        String[] p = s.split("/", -1);
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty() || p.length == 3 && p[2].isEmpty())
            throw new IOException("--platform " + s + " is not os/arch[/variant]: give for example linux/amd64 or linux/arm/v7");
        return new Platform(p[0], p[1], p.length == 3 ? p[2] : null);
    }

    /** From a descriptor's "platform" or a config (both use os, architecture, variant); null if absent. */
    static Platform of(JsonNode n) {
        String os = OciImporter.text(n, "os", null), arch = OciImporter.text(n, "architecture", null);
        if (os == null || arch == null) return null;
        return new Platform(os, arch, OciImporter.text(n, "variant", null));
    }

    /** This machine, in Go's names (GOOS/GOARCH), which image tools use. */
    static Platform host() {
        String a = System.getProperty("os.arch");
        String arch = switch (a) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> a;
        };
        return new Platform("linux", arch, null);
    }

    /** A variant asked for must be there; none asked for takes any. */
    boolean matches(Platform other) {
        return os.equals(other.os) && arch.equals(other.arch) && (variant == null || variant.equals(other.variant));
    }

    @Override public String toString() { return os + "/" + arch + (variant == null ? "" : "/" + variant); }
}
