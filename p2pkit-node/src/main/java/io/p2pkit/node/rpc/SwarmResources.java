package io.p2pkit.node.rpc;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceScope;
import io.p2pkit.node.cli.content.TabTable;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code swarm/resources}: the resource manager's limits and usage per scope in Kubo's
 * {@code LimitsConfigAndUsage} shape ({@code System}, {@code Transient}, {@code Services},
 * {@code Protocols}, {@code Peers}), and Kubo's table of it. A limit is a number, or go-libp2p's
 * {@code "unlimited"} (none set) or {@code "blockAll"} (0); memory limits are decimal strings, as
 * go-libp2p writes 64-bit limits. The connection and stream scopes and the allow-listed ones have
 * no place in Kubo's shape and are left out, as go-libp2p's statistics leave them out.
 */
final class SwarmResources {
    /** Kubo's limit names in its order, each with the resource it reports. */
    private static final Map<String, Resource> LIMITS = limits();

    private SwarmResources() {
    }

    private static Map<String, Resource> limits() {
        Map<String, Resource> m = new LinkedHashMap<>();
        m.put("Memory", Resource.MEMORY);
        m.put("FD", Resource.FILE_DESCRIPTORS);
        m.put("Conns", Resource.CONNECTIONS);
        m.put("ConnsInbound", Resource.INBOUND_CONNECTIONS);
        m.put("ConnsOutbound", Resource.OUTBOUND_CONNECTIONS);
        m.put("Streams", Resource.STREAMS);
        m.put("StreamsInbound", Resource.INBOUND_STREAMS);
        m.put("StreamsOutbound", Resource.OUTBOUND_STREAMS);
        return m;
    }

    /**
     * The report: the system and transient scopes, then the service, protocol and peer scopes that
     * hold something now or have limits of their own in the configuration (Kubo merges the scopes
     * of its statistics with those its limit configuration names); an empty group is left out.
     */
    static Map<String, Object> report(ResourceManager rm) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("System", scope(rm.system()));
        out.put("Transient", scope(rm.transientScope()));
        putGroup(out, "Services", rm.serviceScopes(), rm.config().serviceOverrides(), Function.identity());
        putGroup(out, "Protocols", rm.protocolScopes(), rm.config().protocolOverrides(), Function.identity());
        putGroup(out, "Peers", rm.peerScopes(), rm.config().peerOverrides(), PeerId::toString);
        return out;
    }

    private static <K> void putGroup(Map<String, Object> out, String name, Map<K, ResourceScope> live,
                                     Map<K, ResourceLimits> configured, Function<K, String> key) {
        Map<String, Object> group = new TreeMap<>(); // Go's encoding/json sorts map keys
        configured.forEach((k, limits) -> group.put(key.apply(k), scope(limits, r -> 0L)));
        live.forEach((k, scope) -> group.put(key.apply(k), scope(scope)));
        if (!group.isEmpty()) {
            out.put(name, group);
        }
    }

    private static Map<String, Object> scope(ResourceScope scope) {
        return scope(scope.limits(), scope::used);
    }

    private static Map<String, Object> scope(ResourceLimits limits, Function<Resource, Long> used) {
        Map<String, Object> m = new LinkedHashMap<>();
        LIMITS.forEach((name, resource) -> {
            m.put(name, limit(resource, limits.limit(resource)));
            m.put(name + "Usage", used.apply(resource));
        });
        return m;
    }

    /** go-libp2p's LimitVal and LimitVal64 as JSON. */
    private static Object limit(Resource resource, long limit) {
        if (limit == Long.MAX_VALUE) {
            return "unlimited";
        }
        if (limit == 0) {
            return "blockAll";
        }
        return resource == Resource.MEMORY ? Long.toString(limit) : (Object) limit;
    }

    /**
     * Kubo's table: a row per scope and limit, {@code Scope}, {@code Limit Name}, {@code Limit Value},
     * {@code Limit Usage Amount} and {@code Limit Usage Percent}, padded with tabs by Go's
     * tabwriter; unlimited (and Kubo's {@code default}) limits are left out, a blocked one reads
     * {@code blockAll} with {@code n/a}.
     */
    static String text(RpcRequest req, Object value) {
        TabTable table = TabTable.withTabs(20, 8, 0);
        table.line("Scope\tLimit Name\tLimit Value\tLimit Usage Amount\tLimit Usage Percent\t");
        Map<?, ?> report = (Map<?, ?>) value;
        rows(table, "system", report.get("System"));
        rows(table, "transient", report.get("Transient"));
        group(table, "svc:", report.get("Services"));
        group(table, "proto:", report.get("Protocols"));
        group(table, "peer:", report.get("Peers"));
        return table.flush();
    }

    private static void group(TabTable table, String prefix, Object group) {
        if (group instanceof Map<?, ?> m) {
            m.forEach((name, scope) -> rows(table, prefix + name, scope));
        }
    }

    private static void rows(TabTable table, String scopeName, Object scope) {
        if (!(scope instanceof Map<?, ?> m)) {
            return;
        }
        for (String name : LIMITS.keySet()) {
            String limit = String.valueOf(m.get(name));
            long usage = ((Number) m.get(name + "Usage")).longValue();
            String percent;
            if (limit.equals("unlimited") || limit.equals("default")) {
                continue; // Kubo leaves these out "to remove noise"
            } else if (limit.equals("blockAll")) {
                percent = "n/a";
            } else {
                percent = usage == 0 ? "0%" : percent(usage, Long.parseLong(limit));
            }
            table.line(scopeName + "\t" + name + "\t" + limit + "\t" + usage + "\t" + percent + "\t");
        }
    }

    /** Go's {@code strconv.FormatFloat(usage/limit*100, 'f', 1, 64) + "%"}: the double's exact value, rounded half to even. */
    static String percent(long usage, long limit) {
        double p = (double) usage / (double) limit * 100;
        return new BigDecimal(p).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "%";
    }
}
