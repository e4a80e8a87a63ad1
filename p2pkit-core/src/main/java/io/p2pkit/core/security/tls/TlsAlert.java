package io.p2pkit.core.security.tls;

/** TLS alert descriptions (RFC 8446 §6) that the handshake and the record layer send or act on. */
final class TlsAlert {
    static final int CLOSE_NOTIFY = 0;
    static final int UNEXPECTED_MESSAGE = 10;
    static final int BAD_RECORD_MAC = 20;
    static final int RECORD_OVERFLOW = 22;
    static final int HANDSHAKE_FAILURE = 40;
    static final int BAD_CERTIFICATE = 42;
    static final int ILLEGAL_PARAMETER = 47;
    static final int DECODE_ERROR = 50;
    static final int DECRYPT_ERROR = 51;
    static final int PROTOCOL_VERSION = 70;
    static final int INTERNAL_ERROR = 80;
    static final int USER_CANCELED = 90;
    static final int MISSING_EXTENSION = 109;
    static final int UNSUPPORTED_EXTENSION = 110;
    static final int CERTIFICATE_REQUIRED = 116;
    static final int NO_APPLICATION_PROTOCOL = 120;
    /** The alert level of every alert but close_notify and user_canceled. */
    static final byte FATAL = 2;
    static final byte WARNING = 1;

    private TlsAlert() {
    }

    /** A received alert for an error message: its name when it is a common one, else its number. */
    static String describe(int description) {
        String name = switch (description) {
            case CLOSE_NOTIFY -> "close_notify";
            case UNEXPECTED_MESSAGE -> "unexpected_message";
            case BAD_RECORD_MAC -> "bad_record_mac";
            case RECORD_OVERFLOW -> "record_overflow";
            case HANDSHAKE_FAILURE -> "handshake_failure";
            case BAD_CERTIFICATE -> "bad_certificate";
            case 43 -> "unsupported_certificate";
            case 44 -> "certificate_revoked";
            case 45 -> "certificate_expired";
            case 46 -> "certificate_unknown";
            case ILLEGAL_PARAMETER -> "illegal_parameter";
            case 48 -> "unknown_ca";
            case 49 -> "access_denied";
            case DECODE_ERROR -> "decode_error";
            case DECRYPT_ERROR -> "decrypt_error";
            case PROTOCOL_VERSION -> "protocol_version";
            case 71 -> "insufficient_security";
            case INTERNAL_ERROR -> "internal_error";
            case USER_CANCELED -> "user_canceled";
            case MISSING_EXTENSION -> "missing_extension";
            case UNSUPPORTED_EXTENSION -> "unsupported_extension";
            case CERTIFICATE_REQUIRED -> "certificate_required";
            case NO_APPLICATION_PROTOCOL -> "no_application_protocol";
            default -> null;
        };
        return name == null ? "alert " + description : name + " (" + description + ")";
    }
}
