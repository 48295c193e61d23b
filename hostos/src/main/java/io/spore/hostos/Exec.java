package io.spore.hostos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host tools (ip, dnsmasq, qemu, ssh-keygen, mkfs) and turns their failures into one line. */
final class Exec {
    record Result(int exit, String out) {}

    private Exec() {}

    /** Runs the command, stdout and stderr together; fails with its last line unless it exits 0. */
    static String run(List<String> cmd) {
        Result r = tryRun(cmd, 120);
        if (r.exit != 0) {
            String[] lines = r.out.strip().split("\n");
            throw new HostOsException(String.join(" ", cmd.subList(0, Math.min(3, cmd.size()))) + " failed: "
                    + lines[lines.length - 1].strip());
        }
        return r.out;
    }

    static Result tryRun(List<String> cmd, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, cmd.get(0) + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HostOsException(cmd.get(0) + " could not be run (" + e.getMessage() + "): install it ("
                    + hint(cmd.get(0)) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostOsException("interrupted while running " + cmd.get(0), e);
        }
    }

    static String hint(String tool) {
        return switch (tool.substring(tool.lastIndexOf('/') + 1)) {
            case "qemu-system-x86_64" -> "apt-get install qemu-system-x86";
            case "dnsmasq" -> "apt-get install dnsmasq-base";
            case "ip" -> "apt-get install iproute2";
            case "ssh", "ssh-keygen" -> "apt-get install openssh-client";
            case "mkfs.ext4" -> "apt-get install e2fsprogs";
            case "nft" -> "apt-get install nftables";
            default -> "apt-get install the package that has " + tool;
        };
    }
}
