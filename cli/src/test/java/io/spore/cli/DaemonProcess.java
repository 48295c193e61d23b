package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.cli.daemon.ControlClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real daemon in a child JVM on loopback, with its own data directory, socket and config file
 * (mDNS off: tests stay on loopback). Only this process is ever killed, by its pid.
 */
final class DaemonProcess implements AutoCloseable {
    final String name;
    final Path dataDir;
    final Path socket;
    final Path log;
    final Path config;
    private Process process;
    String peerId;
    List<String> addresses;

    private DaemonProcess(Path base, String name, String fetchYaml) throws IOException {
        this.name = name;
        this.dataDir = base.resolve(name + "-data");
        this.socket = base.resolve(name + ".sock");
        this.log = base.resolve(name + ".log");
        this.config = base.resolve(name + "-config.yaml");
        Files.writeString(config, "mdns: false\n" + (fetchYaml == null ? "" : fetchYaml));
    }

    static DaemonProcess start(Path base, String name, List<String> bootstrap) throws Exception {
        return start(base, name, bootstrap, null);
    }

    /** @param fetchYaml extra YAML for the config file (a {@code fetch:} section), or null */
    static DaemonProcess start(Path base, String name, List<String> bootstrap, String fetchYaml) throws Exception {
        DaemonProcess d = new DaemonProcess(base, name, fetchYaml);
        d.launch(bootstrap);
        return d;
    }

    void launch(List<String> bootstrap) throws Exception {
        List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--socket", socket.toString(), "--json",
                "daemon", "--config", config.toString(), "--listen", "/ip4/127.0.0.1/tcp/0"));
        for (String b : bootstrap) args.addAll(List.of("--bootstrap", b));
        ChildDaemon d = ChildDaemon.start(Cli.javaCommand(List.of(), args.toArray(String[]::new)), log);
        process = d.process;
        peerId = d.peerId;
        addresses = d.addresses;
    }

    String address() { return addresses.get(0); }

    long pid() { return process.pid(); }

    JsonNode status() { return new ControlClient(socket).get("/v1/status"); }

    /** SIGKILL, as a crash or the OOM killer would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean isAlive() { return process != null && process.isAlive(); }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: the daemon closes its socket
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(socket);
    }
}
