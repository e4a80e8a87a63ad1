package io.p2pkit.core.dns;

import io.p2pkit.core.logging.LazyLogger;

import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

/**
 * DNS queries through the JDK's JNDI DNS provider ({@code com.sun.jndi.dns}), which speaks the
 * DNS wire protocol itself (UDP, then TCP for truncated answers). With no server URL it uses the
 * servers the operating system is configured with.
 */
final class JndiDns {
    private static final System.Logger LOG = LazyLogger.of(JndiDns.class);

    /** The most records of one type taken from an answer. */
    static final int MAX_RECORDS = 64;
    /** The longest TXT record kept (a multiaddr is at most a few hundred characters). */
    static final int MAX_TXT_CHARS = 4096;

    private final String providerUrl;
    private final int timeoutMillis;
    private final int retries;

    /**
     * @param providerUrl   for example {@code dns://127.0.0.1:5353}, or null for the system's servers
     * @param timeoutMillis the initial timeout of one query (JNDI doubles it on each retry)
     * @param retries       how many times a query is sent to each server
     */
    JndiDns(String providerUrl, int timeoutMillis, int retries) {
        this.providerUrl = providerUrl;
        this.timeoutMillis = timeoutMillis;
        this.retries = retries;
    }

    /** The values of records of {@code type} for {@code name}; empty when there are none. */
    List<String> query(String name, String type) throws IOException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("java.naming.provider.url", providerUrl != null ? providerUrl : "dns:");
        env.put("com.sun.jndi.dns.timeout.initial", Integer.toString(timeoutMillis));
        env.put("com.sun.jndi.dns.timeout.retries", Integer.toString(retries));
        DirContext ctx = null;
        try {
            ctx = new InitialDirContext(env);
            // A trailing dot makes the name absolute: no search domain is ever appended.
            String absolute = name.endsWith(".") ? name : name + ".";
            Attributes attrs = ctx.getAttributes(absolute, new String[] {type});
            Attribute a = attrs.get(type);
            List<String> out = new ArrayList<>();
            if (a == null) {
                return out;
            }
            NamingEnumeration<?> values = a.getAll();
            while (values.hasMore() && out.size() < MAX_RECORDS) {
                Object v = values.next();
                if (v != null) {
                    out.add(v.toString());
                }
            }
            return out;
        } catch (NameNotFoundException e) {
            return List.of(); // NXDOMAIN: no such name, so no records
        } catch (NamingException e) {
            throw new IOException("DNS " + type + " query for " + name + " failed: " + e.getMessage(), e);
        } finally {
            if (ctx != null) {
                try {
                    ctx.close();
                } catch (NamingException e) {
                    // nothing to release beyond the context itself
                    LOG.log(System.Logger.Level.DEBUG, () -> "closing a JNDI DNS context: " + e);
                }
            }
        }
    }

    /** The addresses of {@code name} from its A or AAAA records, ignoring values that are not literals of that family. */
    List<InetAddress> addresses(String name, String type) throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (String v : query(name, type)) {
            InetAddress a = literal(v.trim(), type.equals("A"));
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * A TXT record's text: JNDI gives its character-strings separated by spaces, each quoted when
     * it holds a space; quotes are removed and the strings joined, as libp2p reads them.
     */
    List<String> txt(String name) throws IOException {
        List<String> out = new ArrayList<>();
        for (String v : query(name, "TXT")) {
            if (v.length() > MAX_TXT_CHARS) {
                continue;
            }
            out.add(unquote(v));
        }
        return out;
    }

    static String unquote(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        boolean quoted = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i + 1 < v.length()) {
                sb.append(v.charAt(++i));
            } else if (c != ' ' || quoted) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Parses an address literal of the given family without any lookup; null if it is not one. */
    static InetAddress literal(String v, boolean ip4) {
        if (ip4) {
            String[] parts = v.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                    return null;
                }
                int n = Integer.parseInt(parts[i]);
                if (n > 255) {
                    return null;
                }
                b[i] = (byte) n;
            }
            return byAddress(b);
        }
        if (v.isEmpty() || v.length() > 45 || !v.contains(":") || !v.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null;
        }
        try {
            // Only hex digits, colons and dots: InetAddress parses this as a literal, never looks it up.
            InetAddress a = InetAddress.getByName(v);
            return a instanceof java.net.Inet6Address ? a : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
