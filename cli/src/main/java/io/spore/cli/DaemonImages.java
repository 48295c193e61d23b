package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.cli.daemon.ControlClient;
import io.spore.fuse.Mounts;
import io.spore.nspawn.MachineInfo;
import io.spore.nspawn.Machines;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Images as the machine commands get them from the daemon: mounted lazily by the daemon (which
 * must keep running to serve them), shared by every machine booted from one image, unmounted
 * when the last of those machines is removed.
 */
final class DaemonImages {
    /** A daemon mount: its directory, the image key, and the figures it had when asked. */
    record Mounted(Path dir, String key, JsonNode figures) {}

    private final ControlClient client;

    DaemonImages(Path socket) {
        this.client = new ControlClient(socket);
    }

    /** Mounts {@code key} through the daemon, or finds it mounted; fails with the daemon's message. */
    Mounted mount(String key, boolean prefetch) {
        JsonNode j = client.post("/v1/mounts", Map.of("key", key, "prefetch", prefetch));
        return new Mounted(Path.of(j.path("dir").asText()), j.path("key").asText(), j);
    }

    /** Figures of every daemon mount by directory; empty when no daemon runs. */
    Map<Path, JsonNode> figures() {
        Map<Path, JsonNode> out = new HashMap<>();
        if (!running()) return out;
        for (JsonNode m : client.get("/v1/mounts").path("mounts")) out.put(Path.of(m.path("dir").asText()), m);
        return out;
    }

    boolean running() {
        return ControlClient.isRunning(socketPath());
    }

    private Path socketPath() {
        return client.socket();
    }

    /**
     * Unmounts {@code dir} when it is a daemon mount and no machine is left over it and no
     * 'container mount' shows it elsewhere (that bind would be left dead).
     */
    void releaseIfUnused(Path dir, Machines machines) {
        Path abs = dir.toAbsolutePath().normalize();
        for (MachineInfo m : machines.list()) {
            if (m.lowerDir().equals(abs)) return;
        }
        JsonNode mine = figures().get(abs);
        if (mine == null) return;
        String key = mine.path("key").asText();
        boolean boundElsewhere = Mounts.listSystem().stream().anyMatch(l -> l.image().equals(key) && !l.dir().equals(abs));
        if (!boundElsewhere) client.post("/v1/unmount", Map.of("dir", abs.toString()));
    }

    /** Whether a machine was booted from a key mounted by a daemon (its lower is {@code .../mounts/<key>}). */
    static boolean isKeyed(MachineInfo m) {
        Path lower = m.lowerDir();
        return lower.getParent() != null && lower.getParent().getFileName() != null
                && lower.getParent().getFileName().toString().equals("mounts")
                && lower.getFileName().toString().equals(m.label());
    }
}
