package io.spore.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The first contact: ./container as a user meets it. */
class LauncherTest {
    @Test
    void versionPrintsTheVersionAndExitsZero() throws Exception {
        Launcher.Result r = Launcher.run("--version");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("container (Spore) "), r.out());
    }

    @Test
    void helpListsEveryCommandWithOneLineEach() throws Exception {
        Launcher.Result r = Launcher.run("--help");
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        int at = out.indexOf("Commands:");
        assertTrue(at >= 0, out);
        List<String> lines = out.substring(at).lines().skip(1).takeWhile(l -> !l.isBlank()).toList();
        assertFalse(lines.isEmpty(), out);
        for (String line : lines) {
            assertTrue(line.matches("  [a-z][a-z-]* +\\S.*"), "command line without a description: '" + line + "'");
            assertFalse(line.contains("PLACEHOLDER"), line);
        }
    }

    @Test
    void missingJdkIsOneClearLine(@TempDir Path emptyJvmRoot) throws Exception {
        Launcher.Result r = Launcher.run(Map.of("SPORE_JVM_ROOT", emptyJvmRoot.toString(), "SPORE_JAVA_HOME", ""), "--version");
        assertEquals(1, r.exitCode());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("container: error: no JDK 25 found under " + emptyJvmRoot), r.err());
    }

    @Test
    void unknownCommandIsAUsageError() throws Exception {
        Launcher.Result r = Launcher.run("no-such-command");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("no-such-command"), r.err());
    }
}
