package io.p2pkit.node.cli;

import io.p2pkit.testing.Dnsmasq;
import io.p2pkit.testing.DohRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code p2pkit name resolve} of DNSLink names against a real dnsmasq: DNS alone, no bootstrap peer needed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NameResolveDnsLinkTest {
    private static final String CID = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";

    @Test
    void aDnsLinkNameResolvesWithoutTheDht() throws Exception {
        Dnsmasq.required();
        try (Dnsmasq dns = Dnsmasq.start(List.of("--local=/#/", "--txt-record=_dnslink.site.test,dnslink=/ipfs/" + CID,
                "--txt-record=_dnslink.chain.test,dnslink=/ipns/site.test/x"))) {
            String server = "127.0.0.1:" + dns.address().getPort();
            CliRunner all = CliRunner.run("name", "resolve", "--dns-server", server, "chain.test");
            assertEquals(0, all.status(), all.err());
            assertEquals("/ipfs/" + CID + "/x\n", all.out());
            CliRunner one = CliRunner.run("name", "resolve", "--dns-server", server, "--recursive=false", "/ipns/chain.test");
            assertEquals("/ipns/site.test/x\n", one.out());
            CliRunner missing = CliRunner.run("name", "resolve", "--dns-server", server, "missing.test");
            assertEquals(1, missing.status());
            assertTrue(missing.err().contains("no DNSLink record"), missing.err());
        }
    }

    /** Kubo's IPFS_NS_MAP: fixed names resolve with no DNS server and no DHT, and lead on to DNSLink names. */
    @Test
    void kubosNsMapResolvesFixedNamesWithNothingAsked(@TempDir Path dir) throws Exception {
        Dnsmasq.required();
        String key = "k51qzi5uqu5dk3v4rmjber23h16xnr23bsggmqqil9z2gduiis5se8dht36dam";
        try (Dnsmasq dns = Dnsmasq.start(List.of("--local=/#/", "--txt-record=_dnslink.site.test,dnslink=/ipfs/" + CID))) {
            String server = "127.0.0.1:" + dns.address().getPort();
            java.util.Map<String, String> env = java.util.Map.of("IPFS_NS_MAP",
                    "fixed.example.com:/ipfs/" + CID + "/a," + key + ":/ipns/site.test/b");
            ChildCommand fixed = ChildCommand.run(dir, env, List.of(), "name", "resolve", "--dns-server", server,
                    "fixed.example.com");
            assertEquals(0, fixed.status(), fixed.output());
            assertEquals("/ipfs/" + CID + "/a", fixed.output().strip());
            ChildCommand viaKey = ChildCommand.run(dir, env, List.of(), "name", "resolve", "--dns-server", server, "/ipns/" + key);
            assertEquals(0, viaKey.status(), viaKey.output());
            assertEquals("/ipfs/" + CID + "/b", viaKey.output().strip(), "the fixed key leads to a DNSLink name");
            ChildCommand bad = ChildCommand.run(dir, java.util.Map.of("IPFS_NS_MAP", "nopath"), List.of(), "name",
                    "resolve", "--dns-server", server, "site.test");
            assertTrue(bad.status() != 0 && bad.output().contains("IPFS_NS_MAP: 'nopath' is not name:/ipfs/"), bad.output());
        }
    }

    /** The repository's DNS.Resolvers send a domain to its DNS-over-HTTPS endpoint, the rest to --dns-server. */
    @Test
    void theRepositorysDnsResolversAreAskedForTheirDomains(@TempDir Path dir) throws Exception {
        Dnsmasq.required();
        String other = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba";
        try (Dnsmasq usual = Dnsmasq.start(List.of("--local=/#/", "--txt-record=_dnslink.name.eth,dnslink=/ipfs/" + CID,
                "--txt-record=_dnslink.site.test,dnslink=/ipfs/" + CID));
             Dnsmasq behind = Dnsmasq.start(List.of("--local=/#/", "--txt-record=_dnslink.name.eth,dnslink=/ipfs/" + other));
             DohRelay doh = new DohRelay(behind.address())) {
            RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
            String server = "127.0.0.1:" + usual.address().getPort();
            assertEquals("/ipfs/" + CID, repo.ok("name", "resolve", "--dns-server", server, "name.eth"));
            repo.ok("config", "--json", "DNS.Resolvers", "{\"eth.\": \"" + doh.url() + "\"}");
            assertEquals("/ipfs/" + other, repo.ok("name", "resolve", "--dns-server", server, "name.eth"));
            assertEquals("/ipfs/" + CID, repo.ok("name", "resolve", "--dns-server", server, "site.test"));
            assertTrue(doh.queries() > 0);
        }
    }
}
