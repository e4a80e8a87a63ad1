package io.p2pkit.nat.portmap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The UPnP errors miniupnpd never sends, answered by a {@link ScriptedIgd} over real HTTP and
 * SOAP on loopback: 718 (ConflictInMappingEntry) from an IGD v1 (another random port) and from a
 * v2 (AddAnyPortMapping), 725 (OnlyPermanentLeasesSupported: lease 0 from then on) and 724
 * (SamePortValuesRequired: external port = internal port), and where each gives up.
 */
@Timeout(30)
class UpnpErrorPathsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ScriptedIgd.Answer OK = ScriptedIgd.Answer.ok(Map.of());
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<ScriptedIgd> devices = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private UpnpBackend backend(String service, Function<ScriptedIgd.Call, ScriptedIgd.Answer> script)
            throws IOException, InterruptedException {
        ScriptedIgd igd = ScriptedIgd.start(service, script);
        toClose.add(igd);
        devices.add(igd);
        UpnpClient client = UpnpClient.open(igd.location(), TIMEOUT).orElseThrow();
        assertEquals("UPnP " + service, client.method());
        assertEquals(ScriptedIgd.EXTERNAL_IP, client.externalAddress().getHostAddress());
        UpnpBackend b = new UpnpBackend(client, InetAddress.getLoopbackAddress());
        toClose.add(b);
        return b;
    }

    /** The latest device's calls. */
    private List<ScriptedIgd.Call> calls() {
        return devices.getLast().calls();
    }

    @Test
    void aConflictOnIgdV1IsRetriedOnAnotherPort() throws Exception {
        UpnpBackend b = backend("WANIPConnection:1", c -> c.externalPort() == 4001
                ? ScriptedIgd.Answer.error(718, "ConflictInMappingEntry") : OK);
        Backend.Granted g = b.add(Protocol.TCP, 4001, 4001, 3600);
        List<ScriptedIgd.Call> calls = calls();
        assertEquals(List.of("AddPortMapping", "AddPortMapping"), calls.stream().map(ScriptedIgd.Call::action).toList(),
                "v1 has no AddAnyPortMapping");
        assertEquals(4001, calls.getFirst().externalPort());
        int other = calls.get(1).externalPort();
        assertNotEquals(4001, other);
        assertTrue(other >= 1024 && other <= 65535, "port " + other);
        assertEquals(4001, calls.get(1).internalPort());
        assertEquals("127.0.0.1", calls.get(1).arguments().get("NewInternalClient"));
        assertEquals(new Backend.Granted(other, 3600), g);
    }

    @Test
    void aConflictOnEveryPortGivesUpAfterFourAttempts() throws Exception {
        UpnpBackend b = backend("WANIPConnection:1", c -> ScriptedIgd.Answer.error(718, "ConflictInMappingEntry"));
        PortMapException e = assertThrows(PortMapException.class, () -> b.add(Protocol.UDP, 4001, 4001, 3600));
        assertEquals(718, e.code());
        assertTrue(e.getMessage().contains("ConflictInMappingEntry"), e.getMessage());
        assertEquals(4, calls().size());
        assertEquals(4, calls().stream().map(ScriptedIgd.Call::externalPort).distinct().count(),
                "a new port each time: " + calls());
    }

    @Test
    void aConflictOnIgdV2LetsTheDevicePickThePort() throws Exception {
        UpnpBackend b = backend("WANIPConnection:2", c -> switch (c.action()) {
            case "AddPortMapping" -> ScriptedIgd.Answer.error(718, "ConflictInMappingEntry");
            case "AddAnyPortMapping" -> ScriptedIgd.Answer.ok(Map.of("NewReservedPort", "40123"));
            default -> ScriptedIgd.Answer.error(401, "Invalid Action");
        });
        assertEquals(new Backend.Granted(40123, 3600), b.add(Protocol.TCP, 4001, 4001, 3600));
        assertEquals(List.of("AddPortMapping", "AddAnyPortMapping"),
                calls().stream().map(ScriptedIgd.Call::action).toList());
        assertEquals(4001, calls().get(1).externalPort());
    }

    @Test
    void onlyPermanentLeasesAreAskedForFromThenOn() throws Exception {
        UpnpBackend b = backend("WANIPConnection:1", c -> c.lease() != 0
                ? ScriptedIgd.Answer.error(725, "OnlyPermanentLeasesSupported") : OK);
        assertEquals(new Backend.Granted(4001, 0), b.add(Protocol.TCP, 4001, 4001, 3600));
        assertEquals(List.of(3600L, 0L), calls().stream().map(ScriptedIgd.Call::lease).toList());
        // the next mapping (or a renewal) asks for a permanent lease at once
        assertEquals(new Backend.Granted(4002, 0), b.add(Protocol.UDP, 4002, 4002, 3600));
        assertEquals(3, calls().size());
        assertEquals(0, calls().getLast().lease());
    }

    @Test
    void aDeviceRefusingEvenPermanentLeasesIsNotAskedForever() throws Exception {
        UpnpBackend b = backend("WANIPConnection:1", c -> ScriptedIgd.Answer.error(725, "OnlyPermanentLeasesSupported"));
        PortMapException e = assertThrows(PortMapException.class, () -> b.add(Protocol.TCP, 4001, 4001, 3600));
        assertEquals(725, e.code());
        assertEquals(List.of(3600L, 0L), calls().stream().map(ScriptedIgd.Call::lease).toList());
    }

    @Test
    void samePortValuesRequiredMapsTheInternalPort() throws Exception {
        UpnpBackend b = backend("WANIPConnection:1", c -> c.externalPort() != c.internalPort()
                ? ScriptedIgd.Answer.error(724, "SamePortValuesRequired") : OK);
        // asked for another external port (the one a previous mapping had, say): the device wants the same
        assertEquals(new Backend.Granted(4001, 3600), b.add(Protocol.TCP, 4001, 5001, 3600));
        assertEquals(List.of(5001, 4001), calls().stream().map(ScriptedIgd.Call::externalPort).toList());
    }

    @Test
    void aConflictOnTheSamePortWhenSamePortValuesAreRequiredFails() throws Exception {
        // v1 conflict: a random port; then the device insists on the internal port, which is taken
        UpnpBackend b = backend("WANIPConnection:1", c -> c.externalPort() == c.internalPort()
                ? ScriptedIgd.Answer.error(718, "ConflictInMappingEntry")
                : ScriptedIgd.Answer.error(724, "SamePortValuesRequired"));
        PortMapException e = assertThrows(PortMapException.class, () -> b.add(Protocol.TCP, 4001, 4001, 3600));
        assertEquals(724, e.code());
        assertEquals(4, calls().size(), "bounded: " + calls());
        assertEquals(4001, calls().getFirst().externalPort());
        assertNotEquals(4001, calls().get(1).externalPort());
        assertEquals(4001, calls().get(2).externalPort());
        assertNotEquals(4001, calls().get(3).externalPort());
    }

    @Test
    void anotherErrorIsReportedAsItIs() throws Exception {
        UpnpBackend b = backend("WANIPConnection:1", c -> ScriptedIgd.Answer.error(606, "Action not authorized"));
        PortMapException e = assertThrows(PortMapException.class, () -> b.add(Protocol.TCP, 4001, 4001, 3600));
        assertEquals(606, e.code());
        assertEquals(1, calls().size());
        // 714 on delete (the mapping is already gone) is no error
        UpnpBackend d = backend("WANIPConnection:1", c -> ScriptedIgd.Answer.error(714, "NoSuchEntryInArray"));
        d.remove(Protocol.TCP, 4001, 4001);
        assertEquals(List.of("DeletePortMapping"), calls().stream().map(ScriptedIgd.Call::action).toList());
    }
}
