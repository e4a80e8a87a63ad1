package io.p2pkit.node.cli;

import io.p2pkit.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code p2pkit name pubsub state|subs|cancel} against a daemon in a child process: one started
 * with {@code --enable-namesys-pubsub}, one without (Kubo's errors, through the CLI).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NamePubsubCommandTest {
    private static final String NOBODY = PrivateKey.generateEd25519().publicKey().toPeerId().toString();

    @Test
    void aDaemonWithIpnsOverPubsubAnswersStateSubsAndCancel(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--enable-namesys-pubsub", "--json");
        try {
            d.next("{\"event\":\"ready\"");
            assertEquals("enabled", repo.ok("name", "pubsub", "state"));
            assertEquals("{\"Enabled\":true}", repo.ok("name", "pubsub", "state", "--json"));
            assertEquals("", repo.ok("name", "pubsub", "subs"), "nothing subscribed yet");
            assertEquals("{\"Strings\":null}", repo.ok("name", "pubsub", "subs", "--json"));
            assertEquals("no subscription", repo.ok("name", "pubsub", "cancel", "/ipns/" + NOBODY));
            assertEquals("{\"Canceled\":false}", repo.ok("name", "pubsub", "cancel", "--json", NOBODY));
            CliRunner bad = repo.run("name", "pubsub", "cancel", "foo");
            assertEquals(1, bad.status());
            assertEquals("p2pkit name pubsub cancel: error: the daemon answered 400: not a valid IPNS name: failed to parse peer ID: invalid cid: "
                    + "encoding/hex: invalid byte: U+006F 'o'\n", bad.err());
        } finally {
            d.close();
        }
    }

    @Test
    void aDaemonWithoutItSaysSoAsKubo(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0", "--json");
        try {
            d.next("{\"event\":\"ready\"");
            assertEquals("disabled", repo.ok("name", "pubsub", "state"));
            for (String[] argv : new String[][] {{"name", "pubsub", "subs"}, {"name", "pubsub", "cancel", NOBODY}}) {
                CliRunner off = repo.run(argv);
                assertEquals(1, off.status());
                assertEquals("p2pkit " + String.join(" ", java.util.Arrays.copyOf(argv, 3))
                        + ": error: the daemon answered 400: IPNS pubsub subsystem is not enabled\n", off.err());
            }
        } finally {
            d.close();
        }
    }
}
