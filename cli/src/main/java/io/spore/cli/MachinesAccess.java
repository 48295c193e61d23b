package io.spore.cli;

import io.spore.nspawn.MachineInfo;
import io.spore.nspawn.Machines;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the machine commands reach {@link Machines} until the daemon serves them over its socket. */
final class MachinesAccess {
    static final String BRIDGE_ENV = "SPORE_BRIDGE";
    static final String POOL_ENV = "SPORE_POOL";

    private MachinesAccess() {}

    static Machines open(BaseCommand c) {
        return open(c, null, null);
    }

    static Machines open(BaseCommand c, String bridge, String pool) {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new UserException("machines need root (mounts, network namespaces, systemd-nspawn): run as root");
        }
        String br = bridge != null ? bridge : System.getenv().getOrDefault(BRIDGE_ENV, Machines.DEFAULT_BRIDGE);
        String pl = pool != null ? pool : System.getenv().getOrDefault(POOL_ENV, Machines.DEFAULT_POOL);
        return Machines.open(c.dataDir(), br, pl);
    }

    static String uptime(Duration d) {
        if (d.isZero()) return "-";
        long s = d.toSeconds();
        if (s < 60) return s + "s";
        if (s < 3600) return s / 60 + "m" + (s % 60) + "s";
        if (s < 86400) return s / 3600 + "h" + (s % 3600) / 60 + "m";
        return s / 86400 + "d" + (s % 86400) / 3600 + "h";
    }

    static Map<String, Object> json(MachineInfo m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", m.name());
        o.put("label", m.label());
        o.put("state", m.state().name().toLowerCase(java.util.Locale.ROOT));
        o.put("address", m.address());
        o.put("uptimeSeconds", m.uptime().toSeconds());
        o.put("lowerDir", m.lowerDir().toString());
        return o;
    }

    static String toJson(Object o) {
        return Json.write(o);
    }
}
