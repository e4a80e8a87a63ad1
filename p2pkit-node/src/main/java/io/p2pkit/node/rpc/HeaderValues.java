package io.p2pkit.node.rpc;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads {@code type/subtype; name="value"; …} header values, as Go's mime.ParseMediaType does. */
final class HeaderValues {
    private HeaderValues() {
    }

    /** The media type in lower case, without parameters ("" when absent). */
    static String mediaType(String value) {
        int semi = value.indexOf(';');
        return (semi < 0 ? value : value.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** The parameters, names in lower case; quoted values unquoted (backslash escapes honoured). */
    static Map<String, String> params(String value) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = value.indexOf(';');
        if (i < 0) {
            return params;
        }
        i++;
        int n = value.length();
        while (i < n) {
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ';')) {
                i++;
            }
            int eq = value.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = value.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder v = new StringBuilder();
            if (i < n && value.charAt(i) == '"') {
                i++;
                while (i < n && value.charAt(i) != '"') {
                    char c = value.charAt(i++);
                    if (c == '\\' && i < n) {
                        c = value.charAt(i++);
                    }
                    v.append(c);
                }
                i++; // the closing quote
            } else {
                while (i < n && value.charAt(i) != ';') {
                    v.append(value.charAt(i++));
                }
            }
            params.putIfAbsent(name, v.toString().strip());
        }
        return params;
    }
}
