package io.p2pkit.node.cli.command;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.ping.PingSession;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.interop.RedisClient;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code p2pkit transport-interop}: the ping test of libp2p's transport-interop test plans,
 * configured by environment variables as those plans do, so that p2pkit can join their matrix.
 */
@Command(name = "transport-interop", description = {
        "Run the ping test of libp2p's transport-interop test plans.",
        "",
        "The entry point of libp2p's transport-interop test plans, configured by the plans' environment variables:",
        "  transport             tcp (the only transport so far)",
        "  security              noise | tls",
        "  muxer                 yamux | mplex",
        "  is_dialer             true | false",
        "  ip                    the address to listen on (listener), e.g. 0.0.0.0",
        "  redis_addr            host:port of the plans' Redis (default redis:6379)",
        "  test_timeout_seconds  overall limit (default 180)",
        "The listener pushes its address to the Redis list listenerAddr and runs until stopped; the dialer takes "
                + "it, connects, pings once and prints {\"handshakePlusOneRTTMillis\":…,\"pingRTTMilllis\":…} "
                + "(sic, as the plans spell it): JSON with or without --json.",
        ""})
public final class TransportInteropCommand extends CliCommand {
    @Mixin
    private JsonOption output;

    private final Function<String, String> env;

    /** Reads the real environment. */
    public TransportInteropCommand() {
        this(System::getenv);
    }

    /** Reads {@code env} instead of the environment (tests). */
    public TransportInteropCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public int run() throws Exception {
        Console console = console();
        String transport = get("transport").orElseThrow(() -> new UsageException("transport is not set"));
        if (!transport.equals("tcp")) {
            throw new UsageException("transport " + transport + " is not supported yet (tcp only)");
        }
        String security = get("security").orElseThrow(() -> new UsageException("security is not set"));
        String muxer = get("muxer").orElseThrow(() -> new UsageException("muxer is not set"));
        boolean dialer = get("is_dialer").map(Boolean::parseBoolean).orElse(false);
        String redisAddr = get("redis_addr").orElse("redis:6379");
        Duration timeout = Duration.ofSeconds(get("test_timeout_seconds").map(Long::parseLong).orElse(180L));

        try (RedisClient redis = new RedisClient(redisAddr, Duration.ofSeconds(10))) {
            if (dialer) {
                return dial(redis, security, muxer, timeout, console);
            }
            String ip = get("ip").orElse("0.0.0.0");
            return listen(redis, ip, security, muxer, timeout);
        }
    }

    private int listen(RedisClient redis, String ip, String security, String muxer, Duration timeout) throws Exception {
        String proto = ip.contains(":") ? "ip6" : "ip4";
        try (Host host = Host.builder().listen("/" + proto + "/" + ip + "/tcp/0")
                .security(security).muxers(muxer).agentVersion("p2pkit/" + NodeVersion.get()).build()) {
            List<Multiaddr> addrs = host.addresses();
            // Advertise a routable address when listening on all interfaces (the plans run in containers).
            Multiaddr addr = addrs.stream().filter(a -> a.toSocketAddress()
                    .map(s -> !s.getAddress().isLoopbackAddress()).orElse(false)).findFirst().orElse(addrs.get(0));
            redis.rpush("listenerAddr", addr.encapsulate("/p2p/" + host.peerId()).toString());
            Thread.sleep(timeout); // the plans stop the listener once the dialer is done
        }
        return 0;
    }

    private int dial(RedisClient redis, String security, String muxer, Duration timeout, Console console) throws Exception {
        String addr = redis.blpop("listenerAddr", timeout);
        if (addr == null) {
            console.info("p2pkit transport-interop: no listener address within " + timeout);
            return 1;
        }
        try (Host host = Host.builder().security(security).muxers(muxer)
                .agentVersion("p2pkit/" + NodeVersion.get()).build()) {
            long start = System.nanoTime();
            Connection c = host.connect(PeerInfo.parse(addr));
            Duration rtt;
            try (PingSession ping = host.service(PingService.class).orElseThrow().session(c)) {
                rtt = ping.ping();
            }
            long handshakePlusOneRtt = System.nanoTime() - start;
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("handshakePlusOneRTTMillis", handshakePlusOneRtt / 1e6);
            o.put("pingRTTMilllis", rtt.toNanos() / 1e6);
            console.json(o);
        }
        return 0;
    }

    private Optional<String> get(String name) {
        return Optional.ofNullable(env.apply(name)).filter(v -> !v.isBlank());
    }
}
