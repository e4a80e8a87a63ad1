package io.p2pkit.core.identify;

import io.p2pkit.core.logging.LazyLogger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The {@link IdentifyService.Observer}s of one identify service, told by both of its sides. */
final class IdentifyObservers {
    private static final System.Logger LOG = LazyLogger.of(IdentifyObservers.class);
    private final List<IdentifyService.Observer> observers = new CopyOnWriteArrayList<>();

    void add(IdentifyService.Observer observer) {
        observers.add(observer);
    }

    void tell(Consumer<IdentifyService.Observer> event) {
        for (IdentifyService.Observer o : observers) {
            try {
                event.accept(o);
            } catch (RuntimeException e) {
                // an observer's bug does not fail identify; it is still a bug
                LOG.log(System.Logger.Level.WARNING, "identify observer " + o + " failed", e);
            }
        }
    }
}
