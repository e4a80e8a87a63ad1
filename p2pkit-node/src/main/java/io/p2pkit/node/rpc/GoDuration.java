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
        try {
            return io.p2pkit.node.config.GoDurations.parse(text);
        } catch (IllegalArgumentException e) {
            throw bad(text);
        }
    }

    private static RpcError bad(String text) {
        return RpcError.client("time: invalid duration \"" + text + "\"");
    }
}
