package io.p2pkit.node.rpc;

import java.time.Duration;

/** Go's time.ParseDuration, for the {@code timeout} option: {@code 300ms}, {@code 1.5h}, {@code 2h45m}. */
final class GoDuration {
    private GoDuration() {
    }

    /**
     * @throws RpcError a client error when {@code text} is not a duration
     */
    static Duration parse(String text) {
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (t.isEmpty()) {
            throw bad(text);
        }
        double nanos = 0;
        int i = t.startsWith("-") || t.startsWith("+") ? 1 : 0;
        if (i == t.length()) {
            throw bad(text);
        }
        while (i < t.length()) {
            int start = i;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
                i++;
            }
            int unitStart = i;
            while (i < t.length() && !Character.isDigit(t.charAt(i)) && t.charAt(i) != '.') {
                i++;
            }
            if (start == unitStart || unitStart == i) {
                throw bad(text);
            }
            double value;
            try {
                value = Double.parseDouble(t.substring(start, unitStart));
            } catch (NumberFormatException e) {
                throw bad(text);
            }
            double unit = switch (t.substring(unitStart, i)) {
                case "ns" -> 1;
                case "us", "µs", "μs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> throw bad(text);
            };
            nanos += value * unit;
        }
        if (t.startsWith("-")) {
            nanos = -nanos;
        }
        return Duration.ofNanos((long) Math.max(0, Math.min(nanos, Long.MAX_VALUE)));
    }

    private static RpcError bad(String text) {
        return RpcError.client("time: invalid duration \"" + text + "\"");
    }
}
