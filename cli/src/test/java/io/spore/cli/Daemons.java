package io.spore.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemons a test starts (child JVMs on loopback) and the temporary directory they live in;
 * {@link #close} stops every one and removes the directory, also when the test failed.
 */
final class Daemons implements AutoCloseable {
    private final Path base;
    private final List<DaemonProcess> started = new ArrayList<>();

    /** @param prefix a few letters: Unix socket paths under /tmp must stay under 108 bytes */
    Daemons(String prefix) throws Exception {
        base = Files.createTempDirectory(Path.of("/tmp"), prefix);
    }

    Path base() { return base; }

    DaemonProcess start(String name, List<String> bootstrap) throws Exception {
        return start(name, bootstrap, null);
    }

    /** @param yaml extra YAML for the daemon's config file, or null */
    DaemonProcess start(String name, List<String> bootstrap, String yaml) throws Exception {
        DaemonProcess d = DaemonProcess.start(base, name, bootstrap, yaml);
        started.add(d);
        return d;
    }

    @Override
    public void close() {
        for (DaemonProcess d : started.reversed()) { // the last started may depend on the first
            try {
                d.close();
            } catch (Exception e) {
                // go on stopping the others
            }
        }
        Cli.delete(base);
    }
}
