package io.spore.fuse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;

/** Profile and root blocks come from peers: parsing them may only fail with IOException. */
class BootProfileFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void decode(byte[] data) {
        try {
            BootProfile.decode(data);
        } catch (IOException expected) {
            // refused with a message
        }
        try {
            RootBlock.profile(data);
            RootBlock.withProfile(data, Cid.raw(new byte[] {1}));
        } catch (IOException expected) {
            // refused with a message
        }
    }
}
