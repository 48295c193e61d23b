package io.spore.hostos;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/** The kernel command line that configures Spore OS (see the OS's /init for what it reads). */
public final class KernelCmdline {
    /** COMMAND_LINE_SIZE on x86, terminating NUL included. */
    public static final int MAX = 2048;
    private static final Pattern HOSTNAME = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");
    private static final Pattern MULTIADDR = Pattern.compile("/[\\x21-\\x7e&&[^,]]+");

    private KernelCmdline() {}

    /**
     * @param authorizedKeys OpenSSH public keys, one per line
     * @param persist        {@code auto}, {@code off} or a device; null for the default (auto)
     */
    public static String build(String authorizedKeys, String hostname, List<String> peers, String persist, boolean serial) {
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw new HostOsException("'" + hostname + "' is not a valid hostname: use letters, digits and '-', at most 63");
        }
        StringBuilder b = new StringBuilder(serial ? "console=ttyS0 " : "");
        b.append("panic=-1 spore.hostname=").append(hostname);
        String keys = authorizedKeys.strip();
        if (!keys.isEmpty()) {
            for (String k : keys.split("\n")) {
                if (!k.isBlank() && !k.strip().matches("(ssh-|ecdsa-|sk-)\\S+ \\S+.*")) {
                    throw new HostOsException("not an OpenSSH public key: '" + abbreviate(k) + "': give the .pub file");
                }
            }
            b.append(" spore.sshkey=").append(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((keys + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        if (!peers.isEmpty()) {
            for (String p : peers) {
                if (!MULTIADDR.matcher(p).matches()) {
                    throw new HostOsException("'" + abbreviate(p) + "' is not a multiaddr: give one like /ip4/10.0.0.2/tcp/4001/p2p/12D3Koo...");
                }
            }
            b.append(" spore.peers=").append(String.join(",", peers));
        }
        if (persist != null) b.append(" spore.persist=").append(persist);
        if (b.length() >= MAX) {
            throw new HostOsException("the kernel command line would be " + b.length() + " bytes, over the " + (MAX - 1)
                    + " the kernel takes: pass fewer SSH keys or peers (an ed25519 key is about 100 bytes, an RSA key 600)");
        }
        return b.toString();
    }

    private static String abbreviate(String s) {
        s = s.strip();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
