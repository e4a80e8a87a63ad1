package io.p2pkit.webrtc.turn;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A TURN server (RFC 8656) over UDP with long-term credentials (RFC 8489 §9.2): an IPv4 address
 * and port, never a name (nothing is looked up), and the username and password the server knows.
 * Both are printable ASCII, for which the SASLprep/OpaqueString preparation RFC 8489 asks changes
 * nothing, so none is done. {@link #toString()} leaves the password out, so configurations that
 * hold a server can be printed and logged.
 *
 * @param address  the server's IPv4 address and UDP port
 * @param username the long-term username
 * @param password the long-term password
 */
public record TurnServer(InetSocketAddress address, String username, String password) {
    /** Longest username and password taken (USERNAME may have 513 bytes; coturn's are shorter). */
    public static final int MAX_CREDENTIAL = 256;

    /** Checks that the address is an IPv4 one with a port and the credentials printable ASCII. */
    public TurnServer {
        if (address.isUnresolved() || !(address.getAddress() instanceof Inet4Address) || address.getPort() == 0) {
            throw new IllegalArgumentException("a TURN server is an IPv4 address and a port, not " + address);
        }
        check("username", username, 0x21);
        check("password", password, 0x20);
    }

    /**
     * Parses {@code USER:PASSWORD@IP:PORT}, for example {@code alice:s3cret@198.51.100.3:3478}: the
     * username ends at the first colon (so it has none), the address starts after the last
     * {@code @}, and the IP is an IPv4 literal.
     *
     * @throws IllegalArgumentException naming what is wrong (without the password)
     */
    public static TurnServer parse(String spec) {
        int at = spec.lastIndexOf('@');
        int colon = spec.indexOf(':');
        if (at < 0 || colon < 0 || colon > at) {
            throw new IllegalArgumentException("expected USER:PASSWORD@IP:PORT");
        }
        String hostPort = spec.substring(at + 1);
        int portColon = hostPort.lastIndexOf(':');
        String port = portColon < 0 ? "" : hostPort.substring(portColon + 1);
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("expected USER:PASSWORD@IP:PORT, with a port after the address: " + hostPort);
        }
        return new TurnServer(new InetSocketAddress(ipv4(hostPort.substring(0, portColon)), Integer.parseInt(port)),
                spec.substring(0, colon), spec.substring(colon + 1, at));
    }

    /** An IPv4 literal, parsed here: {@link InetAddress#getByName} would look a name up. */
    private static InetAddress ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        byte[] ip = new byte[4];
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            ip[i] = (byte) Integer.parseInt(parts[i]);
        }
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + text, e);
        }
    }

    private static void check(String what, String value, int lowest) {
        if (value == null || value.isEmpty() || value.length() > MAX_CREDENTIAL) {
            throw new IllegalArgumentException("a TURN " + what + " has 1 to " + MAX_CREDENTIAL + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < lowest || c > 0x7E) {
                throw new IllegalArgumentException("a TURN " + what + " is printable ASCII"
                        + (lowest == 0x21 ? " without spaces" : ""));
            }
        }
    }

    /** The long-term key (RFC 8489 §9.2.2): MD5 of {@code username ":" realm ":" password}. */
    byte[] key(String realm) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    }

    /** The server and username, never the password. */
    @Override
    public String toString() {
        return username + "@" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
