package io.p2pkit.nat.portmap;

import java.io.IOException;

/** The gateway refused a request: a NAT-PMP result code or a UPnP error, with its name. */
final class PortMapException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int code;

    PortMapException(String method, int code, String name) {
        super(method + " error " + code + " " + name);
        this.code = code;
    }

    /** The NAT-PMP result code or UPnP error code. */
    int code() {
        return code;
    }
}
