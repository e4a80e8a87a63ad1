package io.p2pkit.node.http;

import java.util.List;

/**
 * Checks header names and values from a config before they reach a response (RFC 9110's token, no
 * line breaks): the gateway's and the RPC API's operator headers.
 */
public final class HttpHeaderText {
    private static final String TOKEN_PUNCTUATION = "!#$%&'*+-.^_`|~";

    private HttpHeaderText() {
    }

    /** @return the name in Go's canonical form ({@code x-foo} is {@code X-Foo}), as Kubo writes it */
    public static String name(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an HTTP header needs a name");
        }
        StringBuilder b = new StringBuilder(name.length());
        boolean upper = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean token = c < 128 && (Character.isLetterOrDigit(c) || TOKEN_PUNCTUATION.indexOf(c) >= 0);
            if (!token) {
                throw new IllegalArgumentException("'" + name + "' is not an HTTP header name");
            }
            b.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return b.toString();
    }

    /** @return the values, each checked to be one line of visible text */
    public static List<String> values(String name, List<String> values) {
        for (String v : values) {
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '\r' || c == '\n' || c == 0 || c == 0x7f) {
                    throw new IllegalArgumentException("the value of HTTP header " + name + " must be one line: "
                            + v.strip());
                }
            }
        }
        return List.copyOf(values);
    }
}
