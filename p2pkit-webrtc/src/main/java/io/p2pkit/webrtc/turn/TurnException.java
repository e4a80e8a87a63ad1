package io.p2pkit.webrtc.turn;

import java.io.IOException;

/**
 * A TURN server refused a request (an error response, {@link #code()} its number) or did not
 * answer it in time ({@link #code()} 0). The message names the server, the request and what the
 * code means, never the password.
 */
public final class TurnException extends IOException {
    private final int code;

    TurnException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The ERROR-CODE the server sent (401, 403, 437, 486, 508, …), or 0 when it did not answer. */
    public int code() {
        return code;
    }

    /** What an error code means for us, for the message. */
    static String meaning(int code) {
        return switch (code) {
            case 400 -> "the server found the request malformed";
            case 401 -> "the username or password is wrong";
            case 403 -> "the server forbids it (an address it does not relay to, or a policy)";
            case 420 -> "the server does not know an attribute it needs";
            case 437 -> "the server holds no allocation for this socket (it expired or was released), or another one";
            case 438 -> "the nonce went stale again right after a fresh one";
            case 440 -> "the server does not relay this address family";
            case 441 -> "the credentials are not those of this allocation";
            case 442 -> "the server does not relay UDP";
            case 486 -> "this user has as many allocations as the server allows";
            case 508 -> "the server has no relay address left";
            default -> "an error the client does not handle";
        };
    }
}
