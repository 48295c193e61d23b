package io.spore.cli;

import io.spore.hostos.Vm;
import picocli.CommandLine.Command;

/** {@code container vm status}: running or not, and where. Exit 0 when running, 1 when not. */
@Command(name = "status", header = "Show whether the VM runs, its pid, hostname and address.")
final class VmStatusCommand extends BaseCommand {
    @Override
    public Integer call() {
        Vm.Status s = VmCommand.vm(this).status();
        if (json()) {
            out().printf("{\"running\":%s,\"pid\":%d,\"hostname\":%s,\"ip\":%s,\"mac\":%s,\"accel\":%s}%n", s.running(), s.pid(),
                    q(s.hostname()), q(s.ip()), q(s.mac()), q(s.accel()));
        } else if (s.running()) {
            out().printf("running  pid %d  %s  %s  (%s; console: %s)%n", s.pid(), s.hostname(),
                    s.ip() == null ? "no address yet" : s.ip(), s.accel(), s.console());
        } else {
            out().println("stopped");
        }
        return s.running() ? ExitCode.OK : ExitCode.FAILURE;
    }

    private static String q(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
