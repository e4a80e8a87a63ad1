package io.p2pkit.core.swarm;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.NetworkObserver;
import io.p2pkit.core.ping.PingService;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two hosts in one JVM that dial each other at the same moment, each from its listening port on
 * loopback, for {@link SimultaneousOpenNetnsTest}, which runs it inside a network namespace:
 * {@code SimultaneousOpenPair noise|tls}. It prints {@code dialing} once both dials are about to
 * start, then for each host {@code connected X} or {@code connect failed X: …}, {@code pinged X}
 * once X's ping of the other came back, {@code redials a=N b=M} (the dials each host redialed
 * from an ephemeral port) and {@code done}.
 */
public final class SimultaneousOpenPair {
    private SimultaneousOpenPair() {
    }

    public static void main(String[] args) throws Exception {
        String security = args[0];
        AtomicInteger redialsA = new AtomicInteger();
        AtomicInteger redialsB = new AtomicInteger();
        try (Host a = host(security, redialsA); Host b = host(security, redialsB);
             ExecutorService dialers = Executors.newVirtualThreadPerTaskExecutor()) {
            PeerInfo infoA = new PeerInfo(a.peerId(), a.addresses());
            PeerInfo infoB = new PeerInfo(b.peerId(), b.addresses());
            CountDownLatch go = new CountDownLatch(1);
            Future<Boolean> ab = dialers.submit(() -> dial("a", a, infoB, go));
            Future<Boolean> ba = dialers.submit(() -> dial("b", b, infoA, go));
            say("dialing " + infoA.addresses() + " " + infoB.addresses());
            go.countDown();
            boolean connected = ab.get(60, TimeUnit.SECONDS) & ba.get(60, TimeUnit.SECONDS);
            if (connected) {
                ping("a", a, infoB);
                ping("b", b, infoA);
            }
            say("redials a=" + redialsA.get() + " b=" + redialsB.get());
        }
        say("done");
        System.exit(0);
    }

    private static Host host(String security, AtomicInteger redials) throws Exception {
        Host h = Host.builder().security(security).listen("/ip4/127.0.0.1/tcp/0").build();
        h.network().addObserver(new NetworkObserver() {
            @Override
            public void redialedFromEphemeralPort(PeerId peer, Multiaddr address, Throwable cause) {
                redials.incrementAndGet();
                say("redialing " + address + " after: " + cause);
            }
        });
        return h;
    }

    private static boolean dial(String name, Host from, PeerInfo to, CountDownLatch go) throws InterruptedException {
        go.await();
        try {
            from.connect(to);
            say("connected " + name);
            return true;
        } catch (Exception e) {
            say("connect failed " + name + ": " + e);
            return false;
        }
    }

    private static void ping(String name, Host from, PeerInfo to) {
        try {
            from.service(PingService.class).orElseThrow().ping(to);
            say("pinged " + name);
        } catch (Exception e) {
            say("ping failed " + name + ": " + e);
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
