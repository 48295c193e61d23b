package io.spore.nspawn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds systemd-nspawn command lines as argument lists. The flags that matter on a host whose
 * PID 1 is not systemd: {@code --register=no} (no machined to register with) and
 * {@code --keep-unit} (no systemd to create a scope unit).
 */
final class NspawnArgs {
    private final List<String> args = new ArrayList<>();

    private NspawnArgs(Path root) {
        args.add("systemd-nspawn");
        args.add("--register=no");
        args.add("--keep-unit");
        args.add("--directory=" + root);
    }

    /** A booted machine: init as PID 1, console read-only into the log, network in {@code netns} (null: host's). */
    static List<String> boot(String name, Path root, Path netns, List<String> binds) {
        NspawnArgs a = new NspawnArgs(root);
        a.args.add("--machine=" + name);
        a.args.add("--boot");
        // The console goes to the log file; nobody types into it (shell/ssh are the ways in).
        a.args.add("--console=read-only");
        // We write resolv.conf ourselves (the host's real nameservers), so nspawn must not.
        a.args.add("--resolv-conf=off");
        a.args.add("--link-journal=no");
        if (netns != null) a.args.add("--network-namespace-path=" + netns);
        a.binds(binds);
        return List.copyOf(a.args);
    }

    /** A single command, no init; stdio passed straight through when not on a terminal. */
    static List<String> run(String name, Path root, List<String> binds, List<String> command) {
        if (command.isEmpty()) throw new NspawnException("no command given: put it after --, as in 'container run KEY -- cat /etc/os-release'");
        NspawnArgs a = new NspawnArgs(root);
        // Named, or nspawn names it after the directory ("root"), and parallel runs collide in /run/systemd/nspawn.
        a.args.add("--machine=" + name);
        a.args.add("--quiet");
        a.args.add("--console=autopipe");
        a.args.add("--link-journal=no");
        a.binds(binds);
        a.args.add("--");
        a.args.addAll(command);
        return List.copyOf(a.args);
    }

    private void binds(List<String> binds) {
        for (String b : binds) args.add("--bind=" + checkBind(b));
    }

    static String checkBind(String b) {
        String[] p = b.split(":", -1);
        if (p.length > 2 || p[0].isEmpty() || !p[0].startsWith("/") || (p.length == 2 && !p[1].startsWith("/"))) {
            throw new NspawnException("bind '" + b + "' is not SRC or SRC:DST with absolute paths: give one such as /srv/data:/data");
        }
        if (!java.nio.file.Files.exists(Path.of(p[0]))) {
            throw new NspawnException("bind source " + p[0] + " does not exist: create it or fix the path");
        }
        return b;
    }
}
