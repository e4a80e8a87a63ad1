package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.car.CarReader;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.PathResolver;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.hamt.HamtLinkLookup;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.config.GatewayHosts;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Dnsmasq;
import io.p2pkit.testing.Vectors;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A node serving the gateway over the official conformance fixtures
 * ({@code ../shared/vectors/ipfs-gateway-conformance/fixtures}): every CAR imported into its
 * repository, the IPNS records put into its DHT store. Expected values are read from the CARs
 * themselves (a path's CID, a block's bytes), never from the gateway.
 */
final class GatewayFixtures implements AutoCloseable {
    static final String DIR = "ipfs-gateway-conformance/fixtures/";

    private final Path repoDir;
    private final Node node;
    private final String url;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    /** Every fixture block, to compute expectations from. */
    private final MemoryBlockstore blocks = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
    /** The record files the node refused to load. */
    final List<String> refusedRecords = new ArrayList<>();

    /** The subdomain gateway hostname the node knows, as in Kubo's conformance CI. */
    static final String GATEWAY_HOST = "example.com";

    private final Dnsmasq dns;

    private GatewayFixtures(Path repoDir, Node node, Dnsmasq dns) {
        this.repoDir = repoDir;
        this.node = node;
        this.dns = dns;
        this.url = HttpAddress.url(node.gatewayAddress().orElseThrow());
    }

    /**
     * The fixtures' DNSLink records ({@code dnslink.yml} files: domain → content path), which a
     * real dnsmasq serves to the node under test.
     */
    static java.util.Map<String, String> dnsLinks() throws IOException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.walk(Vectors.path(DIR))) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals("dnslink.yml")).sorted().toList()) {
                String domain = null;
                for (String line : Files.readAllLines(p)) {
                    String l = line.replaceAll("#.*", "").strip();
                    if (l.startsWith("domain:")) {
                        domain = l.substring(7).strip();
                    } else if (l.startsWith("path:") && domain != null) {
                        out.put(domain, l.substring(5).strip());
                    }
                }
            }
        }
        return out;
    }

    /** Starts a node with the fixtures loaded, the missing-block fixture's blocks included as they come. */
    static GatewayFixtures start() throws IOException {
        Path repo = Files.createTempDirectory("p2pkit-gateway-test");
        Repository.init(repo, RepoConfig.defaults());
        // --local: every name is dnsmasq's own, so an unknown one is NXDOMAIN (not REFUSED, as with no upstream)
        List<String> records = new ArrayList<>(List.of("--local-ttl=120", "--local=/#/"));
        dnsLinks().forEach((domain, path) -> records.add("--txt-record=_dnslink." + domain + ",dnslink=" + path));
        Dnsmasq.required();
        Dnsmasq dns;
        try {
            dns = Dnsmasq.start(records);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        NodeConfig.Transports t = NodeConfig.Transports.defaults();
        Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .transports(new NodeConfig.Transports(t.security(), t.muxers(), t.quic(), t.wssCertificate(), t.wssKey(),
                        t.wssTrustedCa(), Optional.of(dns.address())))
                .gatewayHosts(GatewayHosts.DEFAULT.with(GATEWAY_HOST,
                        new GatewayHosts.PublicGateway(List.of("/ipfs", "/ipns"), true, false, true)))
                .dht(NodeConfig.Dht.of(Mode.SERVER)).content(NodeConfig.Content.of(repo))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build());
        GatewayFixtures f = new GatewayFixtures(repo, node, dns);
        try (Stream<Path> files = Files.walk(Vectors.path(DIR))) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".car")) {
                    f.importCar(p);
                } else if (name.endsWith(".ipns-record")) {
                    String key = name.substring(0, name.length() - ".ipns-record".length());
                    int underscore = key.indexOf('_');
                    try {
                        IpnsPreload.load(node.dht().orElseThrow(), (underscore < 0 ? key : key.substring(0, underscore))
                                + "=" + p);
                    } catch (IllegalArgumentException e) {
                        f.refusedRecords.add(name); // the fixtures include records that must not validate
                    }
                }
            }
        }
        return f;
    }

    private void importCar(Path car) throws IOException {
        try (InputStream in = Files.newInputStream(car); CarReader r = CarReader.open(in)) {
            for (Optional<Block> b; (b = r.next()).isPresent(); ) {
                node.content().orElseThrow().repository().blocks().put(b.get());
                blocks.put(b.get());
            }
        }
    }

    /** The root CID of a fixture CAR ({@code path_gateway_unixfs/dir-with-files.car}). */
    static Cid root(String car) throws IOException {
        try (InputStream in = Files.newInputStream(Vectors.path(DIR + car)); CarReader r = CarReader.open(in)) {
            return r.roots().get(0);
        }
    }

    /** The CID a UnixFS or IPLD path leads to below {@code root}, resolved over the fixture blocks. */
    Cid cid(Cid root, String... segments) throws IOException {
        if (segments.length == 0) {
            return root;
        }
        return new PathResolver(blocks, io.p2pkit.ipfs.codec.Codecs.standard(), HamtLinkLookup.INSTANCE)
                .resolve(IpfsPath.of(root, segments)).cid();
    }

    /** A fixture block's bytes. */
    byte[] block(Cid cid) throws IOException {
        return blocks.get(cid).orElseThrow().data();
    }

    /** The fixture blocks as a block source (for an exporter computing expected file bytes). */
    Optional<Block> blockSource(Cid cid) {
        return blocks.get(cid);
    }

    /** Whether the fixtures hold {@code cid}'s block. */
    boolean has(Cid cid) throws IOException {
        return blocks.get(cid).isPresent();
    }

    /** The node under test. */
    Node node() {
        return node;
    }

    HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        return send("GET", path, headers);
    }

    HttpResponse<byte[]> head(String path, String... headers) throws IOException, InterruptedException {
        return send("HEAD", path, headers);
    }

    HttpResponse<byte[]> send(String method, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The CIDs of a CAR body's blocks, in order. */
    static List<Cid> carBlocks(byte[] car) throws IOException {
        List<Cid> out = new ArrayList<>();
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            for (Optional<Block> b; (b = r.next()).isPresent(); ) {
                out.add(b.get().cid());
            }
        }
        return out;
    }

    /** A GET with its own Host header (which java.net.http cannot send), over a plain socket. */
    HostRequest.Answer at(String host, String path, String... headers) throws IOException {
        return HostRequest.send(node.gatewayAddress().orElseThrow(), "GET", host, path, headers);
    }

    @Override
    public void close() throws IOException {
        node.close();
        try {
            dns.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(repoDir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
