package io.spore.nspawn;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One machine as {@code ls} shows it.
 *
 * @param address its IPv4 address on the bridge, or {@code "host"} when it shares the host network
 * @param uptime  how long it has been running; zero when stopped
 * @param leaderPid the pid of its init on the host, 0 when stopped
 */
public record MachineInfo(String name, String label, MachineState state, String address,
                          Duration uptime, Path lowerDir, long leaderPid) {}
