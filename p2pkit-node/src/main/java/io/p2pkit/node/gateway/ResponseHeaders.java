package io.p2pkit.node.gateway;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The headers every gateway response carries, worked out once: the CORS defaults (content is
 * public, so any page may read it: the path gateway spec's {@code Access-Control-Allow-Origin: *})
 * merged with the operator's {@code Gateway.HTTPHeaders} as boxo's {@code Headers.ApplyCors}
 * merges them: an origin or methods given replace the default, allowed and exposed headers given
 * join the defaults, every other header is added as given, one line per value.
 */
final class ResponseHeaders {
    private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    private static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    private static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    private static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";

    private final List<HttpField> fields;

    private ResponseHeaders(List<HttpField> fields) {
        this.fields = List.copyOf(fields);
    }

    /**
     * @param configured the operator's headers, names in canonical form ({@link io.p2pkit.node.config.GatewayOptions})
     * @return the headers of every response
     */
    static ResponseHeaders of(Map<String, List<String>> configured) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        all.put(ALLOW_ORIGIN, configured.getOrDefault(ALLOW_ORIGIN, List.of("*")));
        all.put(ALLOW_METHODS, configured.getOrDefault(ALLOW_METHODS, List.of("GET, HEAD, OPTIONS")));
        all.put(ALLOW_HEADERS, List.of(joined(configured.get(ALLOW_HEADERS),
                "Content-Type", "Range", "User-Agent", "X-Requested-With")));
        all.put(EXPOSE_HEADERS, List.of(joined(configured.get(EXPOSE_HEADERS),
                "Content-Length", "Content-Range", "X-Chunked-Output", "X-Ipfs-Path", "X-Ipfs-Roots", "X-Stream-Output")));
        configured.forEach(all::putIfAbsent);
        List<HttpField> fields = new ArrayList<>();
        all.forEach((name, values) -> values.forEach(v -> fields.add(new HttpField(name, v))));
        return new ResponseHeaders(fields);
    }

    /** The defaults and the given header names without repeats in any case, sorted (as boxo's cleanHeaderSet). */
    private static String joined(List<String> given, String... defaults) {
        TreeSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(List.of(defaults));
        if (given != null) {
            for (String value : given) {
                for (String name : value.split(",")) {
                    if (!name.isBlank()) {
                        names.add(name.strip());
                    }
                }
            }
        }
        return String.join(", ", names);
    }

    /** Puts the headers on {@code response} (replacing any of the same names set before). */
    void addTo(Response response) {
        for (HttpField f : fields) {
            response.getHeaders().remove(f.getName());
        }
        for (HttpField f : fields) {
            response.getHeaders().add(f);
        }
    }
}
