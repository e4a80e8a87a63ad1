package io.p2pkit.nat.portmap;

import io.p2pkit.core.DecodeException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An answer to an SSDP M-SEARCH (UPnP Device Architecture 1.1, §1.3.3): an HTTP/1.1 200 response
 * in one UDP datagram whose LOCATION names the device description.
 *
 * @param location the device description's URL ({@code http} only)
 * @param st       the search target it answers
 * @param usn      the unique service name
 */
record SsdpResponse(URI location, String st, String usn) {
    /** Largest datagram accepted; real answers are about 400 bytes. */
    static final int MAX_BYTES = 2048;

    /**
     * Decodes a response datagram.
     *
     * @throws DecodeException when it is too large, not a 200 response, or has no usable LOCATION
     */
    static SsdpResponse decode(byte[] data, int length) {
        if (length > MAX_BYTES || length > data.length) {
            throw new DecodeException("ssdp", "response of " + length + " bytes");
        }
        String text = new String(data, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r?\n", -1);
        String status = lines[0].strip();
        if (!status.regionMatches(true, 0, "HTTP/1.", 0, 7) || status.length() < 12
                || !status.substring(8).stripLeading().startsWith("200")) {
            throw new DecodeException("ssdp.status", "not a 200 response: " + abbreviate(status));
        }
        String location = null;
        String st = "";
        String usn = "";
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new DecodeException("ssdp.header", "no colon in " + abbreviate(line));
            }
            String name = line.substring(0, colon).strip().toUpperCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "LOCATION" -> location = value;
                case "ST" -> st = value;
                case "USN" -> usn = value;
                default -> {
                    // other headers (SERVER, CACHE-CONTROL, BOOTID.UPNP.ORG, …) are not needed
                }
            }
        }
        if (location == null) {
            throw new DecodeException("ssdp.location", "no LOCATION header");
        }
        return new SsdpResponse(httpUri(location, "ssdp.location"), st, usn);
    }

    /** An absolute {@code http} URL with a host. */
    static URI httpUri(String text, String field) {
        try {
            URI u = new URI(text);
            if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getRawUserInfo() != null) {
                throw new DecodeException(field, "not an http URL with a host: " + abbreviate(text));
            }
            return u;
        } catch (URISyntaxException e) {
            throw new DecodeException(field, "not a URL: " + abbreviate(text), e);
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
