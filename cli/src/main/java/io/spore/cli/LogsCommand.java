package io.spore.cli;

import io.spore.nspawn.MachineState;
import io.spore.nspawn.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "logs", mixinStandardHelpOptions = true, header = "Show a machine's console output.")
final class LogsCommand extends BaseCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the machine stops (or Ctrl-C).")
    boolean follow;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Machines machines = MachinesAccess.open(this);
        Path log = machines.consoleLog(name);
        if (!Files.exists(log)) return ExitCode.OK;
        try (InputStream in = Files.newInputStream(log)) {
            byte[] buf = new byte[65536];
            while (true) {
                int n = in.read(buf);
                if (n > 0) {
                    out().print(new String(buf, 0, n, StandardCharsets.UTF_8));
                    out().flush();
                    continue;
                }
                if (!follow || machines.get(name).state() != MachineState.RUNNING) break;
                Thread.sleep(200);
            }
        }
        return ExitCode.OK;
    }
}
