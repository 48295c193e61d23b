package io.spore.fuse;

import io.spore.image.Image;
import io.spore.image.posix.Importer;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.spore.fuse.Env.run;
import static io.spore.fuse.Env.sh;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The proof on a real image: the debootstrap minbase fixture imported into a temporary block
 * store, mounted with FUSE, read with ordinary tools.
 */
class RootfsMountTest {
    static Path work, rootfs;
    static FileBlockStore store;
    static Image image;
    static Cid root;
    final List<LazyMount> mounts = new ArrayList<>();

    @BeforeAll
    static void importFixture() throws Exception {
        Env.requireFuse();
        rootfs = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"), "rootfs", "minbase");
        if (!Files.isRegularFile(rootfs.resolve(".complete"))) {
            String why = rootfs + " is missing: run tests/setup/20-rootfs.sh";
            if ("true".equals(System.getenv("CI"))) fail(why);
            org.junit.jupiter.api.Assumptions.assumeTrue(false, why);
        }
        work = Files.createTempDirectory("spore-fuse-rootfs-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        store = FileBlockStore.open(work.resolve("data"));
        root = Importer.importTree(rootfs.toString().getBytes(StandardCharsets.UTF_8), store, 2).root();
        image = Image.open(store, root);
    }

    @AfterAll
    static void removeStore() throws Exception {
        if (store != null) store.close();
        if (work != null) sh("rm -rf " + work);
    }

    @AfterEach
    void unmountAll() throws Exception {
        for (LazyMount m : mounts) m.unmount();
    }

    Path mount(io.spore.p2p.blockstore.BlockSource source) throws Exception {
        Path dir = Files.createTempDirectory(work, "mnt-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // A fresh Image per mount: its chunk cache must not hide reads from the counting sources.
        mounts.add(LazyMount.mount(Image.open(store, root), source, dir, MountOptions.defaults()));
        return dir;
    }

    @Test
    void catOsReleaseReadsUnderOnePercent() throws Exception {
        TestSourceWrapper counting = new TestSourceWrapper(store);
        Path mnt = mount(counting);
        assertEquals(Files.readString(rootfs.resolve("usr/lib/os-release")), sh("cat " + mnt + "/etc/os-release"));
        long fraction = counting.bytes.get() * 1000 / Math.max(1, image.contentBytes());
        System.out.printf("cat /etc/os-release fetched %d blocks, %d bytes = %.3f%% of %d content bytes%n",
                counting.blocks.get(), counting.bytes.get(), counting.bytes.get() * 100.0 / image.contentBytes(), image.contentBytes());
        assertTrue(fraction < 10, "fetched " + counting.bytes.get() + " bytes");
    }

    @Test
    void findReadsNoDataChunks() throws Exception {
        TestSourceWrapper counting = new TestSourceWrapper(store);
        Path mnt = mount(counting);
        String out = sh("find " + mnt + " -xdev -ls | wc -l");
        assertTrue(Integer.parseInt(out.strip()) > 1000, out);
        assertEquals(0, counting.blocks.get(), "find -ls fetched blocks");
    }

    @Test
    void treeAndTarEqualTheSource() throws Exception {
        Path mnt = mount(store);
        // Tools in other processes, never this JVM: a read of the mount from a Java thread that
        // cannot reach a safepoint (a critical FFM read, a page fault on a mapping) deadlocks with
        // the FUSE threads, which need one to enter Java.
        // Directory sizes are the file system's business (FORMAT.md stores 0), so they are left out.
        String list = "find . \\( -type d -printf '%P|d|%m|%U|%G|%T@|%n\\n' \\) -o -printf '%P|%y|%m|%U|%G|%s|%T@|%l|%n\\n'"
                + " | sort | sha256sum";
        assertEquals(sh("cd " + rootfs + " && " + list), sh("cd " + mnt + " && " + list), "metadata differs");
        String tar = "tar --numeric-owner --sort=name --xattrs --xattrs-include='*' --acls --format=posix "
                + "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime --exclude=./.complete -cf - -C ";
        String a = sh(tar + rootfs + " . | sha256sum"), b = sh(tar + mnt + " . | sha256sum");
        assertEquals(a, b, "tar streams differ");
    }

    @Test
    void programsRunFromTheMount() throws Exception {
        Path mnt = mount(store);
        assertTrue(sh("chroot " + mnt + " /bin/ls /").contains("usr"));
        assertEquals("hello from bash 5\n", sh("chroot " + mnt + " /bin/bash -c 'echo hello from bash ${BASH_VERSINFO[0]}'"));
    }

    @Test
    void lostProviderGivesEioThenRecovers() throws Exception {
        TestSource flaky = new TestSource(store);
        flaky.deadline = Duration.ofSeconds(2);
        Path mnt = mount(flaky);
        sh("ls " + mnt + "/usr/bin >/dev/null");
        flaky.down = true;
        long t0 = System.nanoTime();
        Env.Result r = run("cat " + mnt + "/usr/bin/bash > /dev/null");
        double secs = (System.nanoTime() - t0) / 1e9;
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("Input/output error"), r.err());
        assertTrue(secs >= 1.9 && secs < 60, "EIO after " + secs + " s");
        flaky.down = false;
        sh("cmp " + mnt + "/usr/bin/bash " + rootfs + "/usr/bin/bash");
    }

    /** Remembers what the mount asked to prefetch. */
    static final class RecordingPrefetcher implements Prefetcher {
        final java.util.Map<Priority, List<Cid>> asked = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.concurrent.CountDownLatch profile = new java.util.concurrent.CountDownLatch(1);

        @Override public Handle prefetch(List<Cid> cids, Priority priority) {
            asked.put(priority, List.copyOf(cids));
            if (priority == Priority.PROFILE) profile.countDown();
            return () -> {};
        }
    }

    @Test
    void recordsABootProfileAndPrefetchesInItsOrder() throws Exception {
        Path dir = Files.createTempDirectory(work, "mnt-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Image fresh = Image.open(store, root);
        LazyMount rec = LazyMount.mount(fresh, store, dir,
                MountOptions.defaults().withLocal(store).withRecordProfile(Duration.ofSeconds(60)));
        Cid withProfile;
        try {
            sh("cat " + dir + "/usr/bin/ls " + dir + "/etc/os-release > /dev/null");
            assertTrue(rec.stats().profileChunks() > 0);
        } finally {
            rec.unmount();
        }
        withProfile = rec.storeProfile();
        assertNotNull(withProfile);
        assertNotEquals(root, withProfile);
        BootProfile profile = BootProfile.load(store, withProfile).orElseThrow();
        assertEquals(root, profile.image());
        // FUSE serves the kernel's readahead on several threads, so within one file the order may
        // vary; across files it is the order they were read in.
        List<Cid> recorded = java.util.Arrays.stream(profile.order()).mapToObj(i -> fresh.chunks().get(i).cid()).toList();
        int ls = fresh.find("usr/bin/ls".getBytes(StandardCharsets.UTF_8));
        int osRelease = fresh.find("usr/lib/os-release".getBytes(StandardCharsets.UTF_8));
        List<Cid> lsChunks = fresh.chunksFor(ls, 0, fresh.entry(ls).size()).stream().map(io.spore.image.Chunk::cid).toList();
        Cid osChunk = fresh.chunksFor(osRelease, 0, 1).get(0).cid();
        Cid firstOfLs = lsChunks.get(0);
        assertTrue(recorded.containsAll(lsChunks) && recorded.contains(osChunk), "every chunk read is in the profile");
        int lastLs = lsChunks.stream().mapToInt(recorded::indexOf).max().orElseThrow();
        assertTrue(lastLs < recorded.indexOf(osChunk), "ls before os-release: " + recorded);

        // The image with the profile is the same tree: it mounts, and prefetch follows the profile.
        Image profiled = Image.open(store, withProfile);
        assertEquals(fresh.size(), profiled.size());
        RecordingPrefetcher hook = new RecordingPrefetcher();
        mounts.add(LazyMount.mount(profiled, store, dir, MountOptions.defaults().withPrefetcher(hook, true)));
        assertTrue(hook.profile.await(10, java.util.concurrent.TimeUnit.SECONDS), "profile prefetch requested");
        List<Cid> order = hook.asked.get(Prefetcher.Priority.PROFILE);
        assertEquals(recorded, order, "prefetch in profile order");
        assertTrue(order.contains(firstOfLs));
        assertEquals(fresh.chunks().size(), hook.asked.get(Prefetcher.Priority.BACKGROUND).size(), "background: every chunk");
        assertEquals(fresh.chunks().get(0).cid(), hook.asked.get(Prefetcher.Priority.BACKGROUND).get(0), "in stream order");
    }

    @Test
    void noPrefetchAsksForNothingInTheBackground() throws Exception {
        Path dir = Files.createTempDirectory(work, "mnt-");
        RecordingPrefetcher hook = new RecordingPrefetcher();
        mounts.add(LazyMount.mount(Image.open(store, root), store, dir, MountOptions.defaults().withPrefetcher(hook, false)));
        Thread.sleep(200);
        assertTrue(hook.asked.isEmpty(), hook.asked.keySet().toString());
    }

    /** Counts blocks and bytes handed out. */
    static class TestSourceWrapper implements io.spore.p2p.blockstore.BlockSource {
        final io.spore.p2p.blockstore.BlockSource inner;
        final AtomicLong blocks = new AtomicLong(), bytes = new AtomicLong();

        TestSourceWrapper(io.spore.p2p.blockstore.BlockSource inner) { this.inner = inner; }

        @Override public byte[] get(Cid cid) throws java.io.IOException {
            byte[] b = inner.get(cid);
            blocks.incrementAndGet();
            bytes.addAndGet(b.length);
            return b;
        }
    }
}
