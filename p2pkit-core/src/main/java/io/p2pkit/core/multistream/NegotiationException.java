package io.p2pkit.core.multistream;

import java.io.IOException;
import java.util.List;

/**
 * Protocol negotiation failed: no proposal was accepted, the remote broke the multistream-select
 * rules, or the negotiation ran out of time. {@link #proposed()} and {@link #answers()} say
 * what was tried and what came back, so the failure can be diagnosed from the log line alone.
 */
public class NegotiationException extends IOException {
    private final List<String> proposed;
    private final List<String> answers;
    private final boolean timedOut;

    /** A failure with what this side proposed and what the remote answered (either may be empty). */
    public NegotiationException(String message, List<String> proposed, List<String> answers) {
        this(message, proposed, answers, false, null);
    }

    /** A failure caused by malformed input or a broken connection. */
    public NegotiationException(String message, Throwable cause) {
        this(message, List.of(), List.of(), false, cause);
    }

    NegotiationException(String message, List<String> proposed, List<String> answers, boolean timedOut,
            Throwable cause) {
        super(describe(message, proposed, answers), cause);
        this.proposed = List.copyOf(proposed);
        this.answers = List.copyOf(answers);
        this.timedOut = timedOut;
    }

    /** The protocols this side proposed, in order (empty on the listener side). */
    public List<String> proposed() {
        return proposed;
    }

    /** The remote's answers to them, in order ({@code na} for a refusal). */
    public List<String> answers() {
        return answers;
    }

    /** Whether the negotiation was aborted because its deadline passed. */
    public boolean timedOut() {
        return timedOut;
    }

    private static String describe(String message, List<String> proposed, List<String> answers) {
        if (proposed.isEmpty() && answers.isEmpty()) {
            return message;
        }
        return message + " (proposed " + proposed + ", remote answered " + answers + ")";
    }
}
