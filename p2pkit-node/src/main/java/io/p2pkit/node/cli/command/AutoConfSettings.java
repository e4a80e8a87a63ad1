package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.config.AutoConf;
import io.p2pkit.node.config.AutoConfClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Kubo's {@code AutoConf.*} as the repository's config sets them, and the document they give: the
 * values that replace {@code "auto"} in {@code Bootstrap}, {@code DNS.Resolvers},
 * {@code Routing.DelegatedRouters} and {@code Ipns.DelegatedPublishers}.
 *
 * <p>Unlike Kubo, p2pkit has no default URL: it asks no public server unless told to, so with
 * {@code AutoConf.URL} unset every {@code "auto"} names nothing (and the daemon says so).
 *
 * @param enabled     {@code AutoConf.Enabled} (true by default, as Kubo's)
 * @param client      the document's client, when the URL is set and AutoConf is on
 * @param conf        the document, when there is one (fetched by the daemon, kept for the commands)
 * @param routingType {@code Routing.Type}, which says which systems the node serves itself
 */
record AutoConfSettings(boolean enabled, Optional<AutoConfClient> client, Optional<AutoConf> conf, String routingType) {
    /** The file keys. */
    static final String ENABLED = "autoConf.enabled";
    static final String URL = "autoConf.url";
    static final String REFRESH = "autoConf.refreshInterval";
    static final String INSECURE = "autoConf.tlsInsecureSkipVerify";
    /** The first wait after a failed refresh, doubled on each failure up to the refresh interval (boxo's backoff). */
    private static final Duration RETRY = Duration.ofMinutes(1);

    /**
     * The settings, and the document as the commands see it: the newest kept copy, without asking
     * anyone (Kubo's {@code --expand-auto} reads the cache alone too).
     */
    static AutoConfSettings cached(RepoSettings file, Path root) {
        AutoConfSettings s = read(file, root);
        return new AutoConfSettings(s.enabled, s.client, s.client.flatMap(AutoConfClient::cached)
                .map(AutoConfClient.Result::conf), s.routingType);
    }

    /**
     * The settings and the document as the daemon starts with them: the kept copy while fresh,
     * else the URL's (5 s at most), else the kept copy; checked as Kubo checks them when AutoConf is
     * off (an {@code "auto"} is then an error, and only {@code "auto"} bootstrap peers stop the start).
     */
    static AutoConfSettings forDaemon(RepoSettings file, Path root, Console console) {
        AutoConfSettings s = read(file, root);
        if (!s.enabled) {
            s.checkDisabled(file, console);
            return s;
        }
        if (s.client.isEmpty()) {
            List<String> autos = s.autoKeys(file);
            if (!autos.isEmpty()) {
                console.info("p2pkit daemon: \"auto\" in " + String.join(", ", autos) + " names nothing here: p2pkit "
                        + "has no default AutoConf.URL and asks no public server; set AutoConf.URL, or give the values");
            }
            return s;
        }
        try {
            AutoConfClient.Result r = s.client.get().latest();
            return new AutoConfSettings(true, s.client, Optional.of(r.conf()), s.routingType);
        } catch (IOException e) {
            console.info("p2pkit daemon: error: AutoConf: " + e.getMessage() + "; \"auto\" names nothing");
            return s;
        }
    }

    private static AutoConfSettings read(RepoSettings file, Path root) {
        boolean enabled = file.flag(ENABLED).orElse(true);
        String routing = file.text("routing.type").filter(t -> !t.isBlank()).orElse("auto");
        Optional<String> url = file.text(URL).filter(t -> !t.isBlank());
        if (!enabled || url.isEmpty()) {
            return new AutoConfSettings(enabled, Optional.empty(), Optional.empty(), routing);
        }
        java.net.URI uri;
        try {
            uri = AutoConfClient.url(url.get());
        } catch (IllegalArgumentException e) {
            throw file.bad(URL, e.getMessage());
        }
        Duration refresh = file.duration(REFRESH).filter(d -> !d.isZero() && !d.isNegative())
                .orElse(AutoConfClient.DEFAULT_REFRESH);
        return new AutoConfSettings(true, Optional.of(new AutoConfClient(uri, root.resolve("autoconf"), refresh,
                file.flag(INSECURE).orElse(false))), Optional.empty(), routing);
    }

    /** Kubo's {@code Bootstrap} with {@code "auto"} replaced (dropped when there is no document). */
    List<String> bootstrap(List<String> configured) {
        return AutoConf.bootstrap(configured, routingType, conf.orElse(null));
    }

    /** Kubo's {@code DNS.Resolvers} with {@code "auto"} replaced and the document's domains added. */
    Map<String, String> dnsResolvers(Map<String, String> configured) {
        return conf.isEmpty() ? configured : AutoConf.dnsResolvers(configured, conf.get());
    }

    /** Kubo's {@code Routing.DelegatedRouters} with {@code "auto"} replaced. */
    List<String> routers(List<String> configured) {
        return AutoConf.routers(configured, routingType, conf.orElse(null));
    }

    /** Kubo's {@code Ipns.DelegatedPublishers} with {@code "auto"} replaced. */
    List<String> publishers(List<String> configured) {
        return AutoConf.publishers(configured, routingType, conf.orElse(null));
    }

    /**
     * Asks the URL again every refresh interval while the daemon runs and says, as Kubo does, when
     * a newer document is out: its values are taken at the next start. Stops with the returned service.
     */
    Optional<ScheduledExecutorService> refresh(Console console) {
        if (client.isEmpty() || conf.isEmpty()) {
            return Optional.empty();
        }
        Duration interval = client.get().refresh();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "p2pkit-autoconf");
            t.setDaemon(true);
            return t;
        });
        long started = conf.get().version();
        new Object() {
            private int failures;

            void schedule(Duration wait) {
                timer.schedule(this::refresh, wait.toMillis(), TimeUnit.MILLISECONDS);
            }

            void refresh() {
                Duration next = interval;
                try {
                    long version = client.get().fetch().conf().version();
                    failures = 0;
                    if (version != started) {
                        console.info("p2pkit daemon: error: new autoconf version " + version + " published at "
                                + client.get().url() + " - restart to apply updates");
                    }
                } catch (IOException | RuntimeException e) {
                    failures++;
                    next = RETRY.multipliedBy(1L << Math.min(failures - 1, 20));
                    next = next.compareTo(interval) > 0 ? interval : next;
                    console.info("p2pkit daemon: error: autoconf refresh failed (attempt " + failures + "): "
                            + e.getMessage() + ", retrying in " + io.p2pkit.node.config.GoDurations.format(next));
                }
                schedule(next);
            }
        }.schedule(interval);
        return Optional.of(timer);
    }

    /** The keys whose value holds an {@code "auto"}, in Kubo's names. */
    private List<String> autoKeys(RepoSettings file) {
        List<String> keys = new ArrayList<>();
        if (file.list("bootstrap").orElse(List.of()).contains(AutoConf.AUTO)) {
            keys.add("Bootstrap");
        }
        if (file.text("dns.resolvers").map(t -> io.p2pkit.node.config.KuboConfig.resolvers(t).containsValue(AutoConf.AUTO))
                .orElse(false)) {
            keys.add("DNS.Resolvers");
        }
        if (file.list("routing.delegatedRouters").orElse(List.of()).contains(AutoConf.AUTO)) {
            keys.add("Routing.DelegatedRouters");
        }
        if (file.list("ipns.delegatedPublishers").orElse(List.of()).contains(AutoConf.AUTO)) {
            keys.add("Ipns.DelegatedPublishers");
        }
        return keys;
    }

    /** Kubo's check when AutoConf is off: each {@code "auto"} is said; only-{@code "auto"} bootstrap peers stop the start. */
    private void checkDisabled(RepoSettings file, Console console) {
        for (String key : autoKeys(file)) {
            console.info("p2pkit daemon: error: " + key + " contains 'auto' but AutoConf.Enabled=false");
        }
        if (file.list("bootstrap").orElse(List.of()).equals(List.of(AutoConf.AUTO))) {
            throw new UsageException("no usable bootstrap peers: AutoConf is disabled (AutoConf.Enabled=false) but 'auto' "
                    + "placeholder is used in Bootstrap config. Either set AutoConf.Enabled=true to enable automatic "
                    + "configuration, or replace 'auto' with specific Bootstrap peer addresses");
        }
    }
}
