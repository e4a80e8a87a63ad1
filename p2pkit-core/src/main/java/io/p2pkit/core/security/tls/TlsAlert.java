package io.p2pkit.core.security.tls;

/** TLS alert descriptions (RFC 8446 §6) that the record layer sends or acts on. */
final class TlsAlert {
    static final int CLOSE_NOTIFY = 0;
    static final int UNEXPECTED_MESSAGE = 10;
    static final int BAD_RECORD_MAC = 20;
    static final int RECORD_OVERFLOW = 22;
    static final int ILLEGAL_PARAMETER = 47;
    static final int DECODE_ERROR = 50;
    static final int USER_CANCELED = 90;
    /** The alert level of every alert but close_notify and user_canceled. */
    static final byte FATAL = 2;
    static final byte WARNING = 1;

    private TlsAlert() {
    }

    /** A received alert for an error message: its name when it is a common one, else its number. */
    static String describe(int description) {
        String name = switch (description) {
            case UNEXPECTED_MESSAGE -> "unexpected_message";
            case BAD_RECORD_MAC -> "bad_record_mac";
            case RECORD_OVERFLOW -> "record_overflow";
            case 40 -> "handshake_failure";
            case 42 -> "bad_certificate";
            case ILLEGAL_PARAMETER -> "illegal_parameter";
            case DECODE_ERROR -> "decode_error";
            case 51 -> "decrypt_error";
            case 80 -> "internal_error";
            default -> null;
        };
        return name == null ? "alert " + description : name + " (" + description + ")";
    }
}
