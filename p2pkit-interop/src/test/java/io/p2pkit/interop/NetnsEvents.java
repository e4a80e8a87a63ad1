package io.p2pkit.interop;

import io.p2pkit.testing.Await;
import io.p2pkit.testing.netns.NetnsProcess;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The JSON events a testbed node ({@link NodeEvents}) prints, read from its {@link NetnsProcess}. */
final class NetnsEvents {
    private NetnsEvents() {
    }

    /** The events of the lines written to the end (a line may be read half-written). */
    static List<PeerEvent> events(NetnsProcess p) {
        String out = p.output();
        return out.substring(0, out.lastIndexOf('\n') + 1).lines().filter(l -> l.startsWith("{")).map(PeerEvent::parse)
                .toList();
    }

    /** The first event of {@code type} that {@code matches} within {@code wait}; an error event fails at once. */
    static PeerEvent await(NetnsProcess p, String type, Predicate<PeerEvent> matches, Duration wait) {
        Await.until(type + " from " + p, () -> find(p, type, matches).isPresent(), wait);
        return find(p, type, matches).orElseThrow();
    }

    private static Optional<PeerEvent> find(NetnsProcess p, String type, Predicate<PeerEvent> matches) {
        List<PeerEvent> events = events(p);
        if (events.stream().anyMatch(e -> e.type().equals("error"))) {
            throw new AssertionError("error from " + p + ":\n" + p.output());
        }
        return events.stream().filter(e -> e.type().equals(type) && matches.test(e)).findFirst();
    }

    /** The first error event within {@code wait}. */
    static PeerEvent awaitError(NetnsProcess p, Duration wait) {
        Await.until("an error from " + p, () -> events(p).stream().anyMatch(e -> e.type().equals("error")), wait);
        return events(p).stream().filter(e -> e.type().equals("error")).findFirst().orElseThrow();
    }
}
