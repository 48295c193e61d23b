package io.spore.hostos;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class KernelCmdlineTest {
    static final String ED = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake me@laptop";

    @Test
    void keysTravelAsUrlSafeBase64AndComeBackIntact() {
        String keys = ED + "\n" + ED.replace("me@", "you@");
        String c = KernelCmdline.build(keys, "spore-1", List.of("/ip4/10.0.0.2/tcp/4001"), null, true);
        assertTrue(c.startsWith("console=ttyS0 "));
        assertTrue(c.contains(" spore.hostname=spore-1"));
        assertTrue(c.contains(" spore.peers=/ip4/10.0.0.2/tcp/4001"));
        String b64 = c.replaceAll(".*spore\\.sshkey=(\\S+).*", "$1");
        assertFalse(b64.contains("+") || b64.contains("/") || b64.contains("="), "URL-safe, no padding: " + b64);
        assertEquals(keys + "\n", new String(Base64.getUrlDecoder().decode(b64), StandardCharsets.UTF_8));
    }

    @Test
    void badInputIsRefusedWithAFix() {
        assertTrue(assertThrows(HostOsException.class, () -> KernelCmdline.build(ED, "bad_name", List.of(), null, false))
                .getMessage().contains("not a valid hostname"));
        assertTrue(assertThrows(HostOsException.class, () -> KernelCmdline.build("-----BEGIN OPENSSH PRIVATE KEY-----", "h", List.of(), null, false))
                .getMessage().contains("give the .pub file"));
        assertTrue(assertThrows(HostOsException.class, () -> KernelCmdline.build(ED, "h", List.of("10.0.0.2:4001"), null, false))
                .getMessage().contains("is not a multiaddr"));
        String many = (ED + "\n").repeat(20);
        HostOsException e = assertThrows(HostOsException.class, () -> KernelCmdline.build(many, "h", List.of(), null, false));
        assertTrue(e.getMessage().contains("over the 2047"), e.getMessage());
    }

    @Test
    void withoutKeysThereIsNoSshkeyArgument() {
        assertEquals("panic=-1 spore.hostname=h spore.persist=off", KernelCmdline.build("", "h", List.of(), "off", false));
    }
}
