package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 * A {@code container --json daemon ...} started as a child process: waits for the one JSON line
 * the daemon prints once it listens, and knows its peer id and addresses from it. Its stderr goes
 * to a log file. Only this process is ever stopped or killed, by its pid.
 */
final class ChildDaemon {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Process process;
    final String peerId;
    final List<String> addresses;

    private ChildDaemon(Process process, String peerId, List<String> addresses) {
        this.process = process;
        this.peerId = peerId;
        this.addresses = addresses;
    }

    /** Runs {@code command} (a JVM running the CLI's daemon with --json) and waits until it listens. */
    static ChildDaemon start(List<String> command, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("SPORE_CONFIG");
        Process p = pb.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
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
            stop(p);
            throw new IOException("the daemon did not start: " + String.join(" | ", tail(log, 3)));
        }
        JsonNode j = JSON.readTree(line);
        List<String> addresses = new ArrayList<>();
        j.path("addresses").forEach(a -> addresses.add(a.asText()));
        return new ChildDaemon(p, j.path("peerId").asText(), addresses);
    }

    /** SIGTERM (the daemon unmounts and closes its socket), SIGKILL after 20 s. */
    void stop() throws InterruptedException {
        stop(process);
    }

    private static void stop(Process p) {
        if (!p.isAlive()) return;
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static List<String> tail(Path log, int n) {
        try {
            List<String> all = Files.readAllLines(log);
            return all.subList(Math.max(0, all.size() - n), all.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
