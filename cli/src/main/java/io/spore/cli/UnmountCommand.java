package io.spore.cli;

import io.spore.fuse.Mounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

@Command(name = "unmount", header = "Unmount an image mounted with 'container mount'.",
        description = "Detaches the mount at once; programs that still have files open keep reading them until they close them.")
final class UnmountCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The mount point.")
    Path dir;

    @Override
    public Integer call() {
        try {
            Mounts.detach(dir);
        } catch (IOException e) {
            throw new UserException(e.getMessage(), e);
        }
        err().println("container: unmounted " + dir.toAbsolutePath().normalize());
        return ExitCode.OK;
    }
}
