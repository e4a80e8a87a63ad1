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
