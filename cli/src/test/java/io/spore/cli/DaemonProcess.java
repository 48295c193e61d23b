package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.cli.daemon.ControlClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real daemon in a child JVM on loopback, with its own data directory, socket and config file
 * (mDNS off: tests stay on loopback). Only this process is ever killed, by its pid.
 */
final class DaemonProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        ProcessBuilder pb = new ProcessBuilder(Cli.javaCommand(List.of(), args.toArray(String[]::new)))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("SPORE_CONFIG");
        process = pb.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return r.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = first.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            line = null;
        }
        if (line == null) {
            process.destroyForcibly().waitFor();
            throw new IOException("daemon " + name + " did not start: " + Files.readString(log));
        }
        JsonNode j = JSON.readTree(line);
        peerId = j.path("peerId").asText();
        addresses = new ArrayList<>();
        j.path("addresses").forEach(a -> addresses.add(a.asText()));
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
