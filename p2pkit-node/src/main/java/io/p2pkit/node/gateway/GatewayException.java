package io.p2pkit.node.gateway;

/** A request the gateway answers with an error status and a one-line reason (never a stack trace). */
final class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    GatewayException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status to answer with. */
    int status() {
        return status;
    }

    static GatewayException badRequest(String message) {
        return new GatewayException(400, message);
    }

    static GatewayException notFound(String message) {
        return new GatewayException(404, message);
    }
}
