package io.p2pkit.node.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code _redirects} file (ipfs/specs web-redirects-file): one rule a line,
 * {@code from to [status]}, {@code #} comments; {@code :name} placeholders match one path
 * segment, a final {@code *} the rest ({@code :splat} in {@code to}); statuses 200 (a rewrite),
 * 301 (the default), 302, 303, 307, 308, 404, 410, 451. Forced rules ({@code 200!}) and query
 * conditions are refused, as in boxo. The file is capped at {@link #MAX_BYTES}.
 */
final class RedirectsFile {
    /** The file's name in a content root. */
    static final String NAME = "_redirects";
    /** The spec's limit on the file's size. */
    static final int MAX_BYTES = 64 * 1024;
    private static final Set<Integer> STATUSES = Set.of(200, 301, 302, 303, 307, 308, 404, 410, 451);

    /** One rule; {@code from} split into segments. */
    record Rule(List<String> from, String to, int status) {
    }

    /** Where a request path leads: a status and the target with its placeholders filled in. */
    record Match(String to, int status) {
    }

    private final List<Rule> rules;

    private RedirectsFile(List<Rule> rules) {
        this.rules = rules;
    }

    List<Rule> rules() {
        return rules;
    }

    /**
     * @throws IllegalArgumentException with the reason when the file is over the cap or a line is malformed
     */
    static RedirectsFile parse(byte[] file) {
        if (file.length > MAX_BYTES) {
            throw new IllegalArgumentException("redirects file size cannot exceed " + MAX_BYTES + " bytes");
        }
        String text = new String(file, StandardCharsets.UTF_8);
        List<Rule> rules = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length < 2) {
                throw new IllegalArgumentException("line " + lineNo + ": missing 'to' path");
            }
            if (fields.length > 3) {
                throw new IllegalArgumentException("line " + lineNo + ": too many fields (query conditions are not supported)");
            }
            String from = fields[0];
            String to = fields[1];
            if (!from.startsWith("/")) {
                throw new IllegalArgumentException("line " + lineNo + ": 'from' must begin with '/'");
            }
            if (!to.startsWith("/") && !to.startsWith("http://") && !to.startsWith("https://")) {
                throw new IllegalArgumentException("line " + lineNo + ": 'to' must begin with '/' or be a URL");
            }
            int status = 301;
            if (fields.length == 3) {
                String s = fields[2];
                if (s.endsWith("!")) {
                    throw new IllegalArgumentException("line " + lineNo + ": forced redirects (or \"shadowing\") are not supported");
                }
                try {
                    status = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + lineNo + ": status code \"" + s + "\" is not a number");
                }
                if (!STATUSES.contains(status)) {
                    throw new IllegalArgumentException("line " + lineNo + ": status code " + status + " is not supported");
                }
            }
            List<String> segments = split(from);
            int star = segments.indexOf("*");
            if (star >= 0 && star != segments.size() - 1) {
                throw new IllegalArgumentException("line " + lineNo + ": '*' may only end 'from'");
            }
            rules.add(new Rule(segments, to, status));
        }
        return new RedirectsFile(List.copyOf(rules));
    }

    /** The first rule matching {@code path} (decoded, from the content root), with placeholders replaced. */
    Optional<Match> match(String path) {
        List<String> segments = split(path);
        for (Rule rule : rules) {
            Map<String, String> values = bind(rule.from(), segments);
            if (values != null) {
                return Optional.of(new Match(expand(rule.to(), values), rule.status()));
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> bind(List<String> from, List<String> path) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < from.size(); i++) {
            String f = from.get(i);
            if (f.equals("*")) {
                values.put("splat", String.join("/", path.subList(Math.min(i, path.size()), path.size())));
                return values;
            }
            if (i >= path.size()) {
                return null;
            }
            if (f.startsWith(":") && f.length() > 1) {
                values.putIfAbsent(f.substring(1), path.get(i));
            } else if (!f.equals(path.get(i))) {
                return null;
            }
        }
        return from.size() == path.size() ? values : null;
    }

    private static String expand(String to, Map<String, String> values) {
        StringBuilder b = new StringBuilder(to.length());
        for (int i = 0; i < to.length(); ) {
            char c = to.charAt(i);
            if (c == ':') {
                int end = i + 1;
                while (end < to.length() && (Character.isLetterOrDigit(to.charAt(end)) || to.charAt(end) == '_')) {
                    end++;
                }
                String value = values.get(to.substring(i + 1, end));
                if (end > i + 1 && value != null) {
                    b.append(value);
                    i = end;
                    continue;
                }
            }
            b.append(c);
            i++;
        }
        return b.toString();
    }

    /** Splits a path on {@code /}, dropping empty segments. */
    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
