package io.p2pkit.node.rpc;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.content.CidArgument;
import io.p2pkit.node.cli.content.GoQuote;
import io.p2pkit.node.cli.content.TabTable;
import io.p2pkit.node.config.KuboConfig;
import io.p2pkit.node.config.PinningServices;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Kubo's {@code pin/remote/add|ls|rm} and {@code pin/remote/service/add|ls|rm}: pins asked of
 * remote pinning services ({@link PinningServiceClient}), the services kept in the repository's
 * config ({@link PinningServices}), with Kubo's shapes, texts and errors.
 */
final class RemotePinCommands {
    /** How long one request to a service may take. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(1);
    /** Kubo's wait between two looks at a pin's status. */
    private static final Duration POLL = Duration.ofMillis(500);
    /** The longest {@code pin remote add} waits for the service to pin (Kubo waits as long as the client). */
    private static final Duration MAX_WAIT = Duration.ofHours(1);
    /** Kubo's largest pin name, in bytes. */
    private static final int MAX_NAME_BYTES = 255;

    private RemotePinCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("pin/remote/add").text(RemotePinCommands::details)
                        .args(RpcArgument.string("ipfs-path", true, false))
                        .options(RpcOption.string("service"), RpcOption.string("name"),
                                RpcOption.bool("background").withDefault(false))
                        .run(RemotePinCommands::add),
                RpcCommand.at("pin/remote/ls").text(RemotePinCommands::line)
                        .options(RpcOption.string("service"), RpcOption.string("name"), RpcOption.strings("cid"),
                                RpcOption.strings("status"))
                        .run(RemotePinCommands::ls),
                RpcCommand.at("pin/remote/rm")
                        .options(RpcOption.string("service"), RpcOption.string("name"), RpcOption.strings("cid"),
                                RpcOption.strings("status"), RpcOption.bool("force").withDefault(false))
                        .run(RemotePinCommands::rm),
                RpcCommand.at("pin/remote/service/add")
                        .args(RpcArgument.string("service", true, false), RpcArgument.string("endpoint", true, false),
                                RpcArgument.string("key", true, false))
                        .run(RemotePinCommands::serviceAdd),
                RpcCommand.at("pin/remote/service/ls").text(RemotePinCommands::servicesText)
                        .options(RpcOption.bool("stat").withDefault(false))
                        .run(RemotePinCommands::serviceLs),
                RpcCommand.at("pin/remote/service/rm").args(RpcArgument.string("service", true, false))
                        .run(RemotePinCommands::serviceRm));
    }

    private static void serviceAdd(RpcRequest req, RpcResponse res) throws Exception {
        Path root = ConfigCommands.repository(req);
        String name = req.argument(0);
        String key = req.argument(2);
        try {
            String endpoint = PinningServices.normalizeEndpoint(req.argument(1));
            KuboConfig.edit(root, c -> PinningServices.add(c, name, endpoint, key), false);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    private static void serviceRm(RpcRequest req, RpcResponse res) throws Exception {
        Path root = ConfigCommands.repository(req);
        KuboConfig.edit(root, c -> PinningServices.remove(c, req.argument(0)), false);
    }

    /**
     * Kubo's {@code {"RemoteServices":[{"Service","ApiEndpoint"[,"Stat"]}]}}, by name; with
     * {@code stat}, each service's pin counts by status, fetched at once, or {@code invalid}.
     */
    private static void serviceLs(RpcRequest req, RpcResponse res) throws Exception {
        Map<String, PinningServices.Service> services = PinningServices.all(Repository.readConfig(ConfigCommands.repository(req)));
        boolean stat = req.bool("stat");
        List<Map<String, Object>> list = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, List<Future<Long>>> counts = new LinkedHashMap<>();
            if (stat) {
                for (PinningServices.Service s : services.values()) {
                    List<Future<Long>> four = new ArrayList<>();
                    for (String status : PinningServiceClient.STATUSES) {
                        four.add(pool.submit(() -> client(s).count(status)));
                    }
                    counts.put(s.name(), four);
                }
            }
            for (PinningServices.Service s : services.values()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("Service", s.name());
                o.put("ApiEndpoint", s.endpoint());
                if (stat) {
                    o.put("Stat", stat(counts.get(s.name())));
                }
                list.add(o);
            }
        }
        res.single(Map.of("RemoteServices", list));
    }

    /** {@code {"Status":"valid","PinCount":{…}}}, or {@code {"Status":"invalid"}} when a count failed. */
    private static Map<String, Object> stat(List<Future<Long>> four) throws InterruptedException {
        Map<String, Object> count = new LinkedHashMap<>();
        Map<String, Object> o = new LinkedHashMap<>();
        try {
            for (int i = 0; i < four.size(); i++) {
                String s = PinningServiceClient.STATUSES.get(i);
                count.put(Character.toUpperCase(s.charAt(0)) + s.substring(1), four.get(i).get());
            }
        } catch (ExecutionException e) {
            // best effort, as Kubo's: the service is listed, its error left to 'pin remote ls'
            o.put("Status", "invalid");
            return o;
        }
        o.put("Status", "valid");
        o.put("PinCount", count);
        return o;
    }

    private static String servicesText(RpcRequest req, Object value) {
        boolean stat = req.bool("stat");
        TabTable table = new TabTable(1, 1);
        for (Object e : (List<?>) ((Map<?, ?>) value).get("RemoteServices")) {
            Map<?, ?> s = (Map<?, ?>) e;
            String line = s.get("Service") + "\t" + s.get("ApiEndpoint");
            if (stat) {
                Map<?, ?> st = (Map<?, ?>) s.get("Stat");
                String shown = String.valueOf(st.get("Status"));
                if (st.get("PinCount") instanceof Map<?, ?> c) {
                    shown = c.get("Queued") + "/" + c.get("Pinning") + "/" + c.get("Pinned") + "/" + c.get("Failed");
                }
                line += "\t" + shown;
            }
            table.line(line);
        }
        return table.flush();
    }

    /**
     * Kubo's {@code pin remote add}: the path resolved, the pin asked for with this node's
     * addresses as origins when it has the root block, the service's delegates connected to, then
     * (unless {@code background}) the pin's status looked at every 500 ms until pinned or failed.
     */
    private static void add(RpcRequest req, RpcResponse res) throws Exception {
        PinningServiceClient client = client(req);
        Repository repo = NodeContent.repository(req);
        Cid cid = KuboPaths.resolveCid(req, FetchingBlocks.of(req), req.argument(0));
        String name = req.string("name").orElse("");
        validName(name);
        List<String> origins = new ArrayList<>();
        if (repo.blocks().has(cid.multihash())) {
            for (Multiaddr a : req.node().addresses()) {
                String s = a.toString();
                origins.add(s.contains("/p2p/") ? s : s + "/p2p/" + req.node().peerId());
            }
        }
        PinningServiceClient.RemotePin pin = serviceCall(() -> client.add(cid.toString(), name, origins));
        for (String d : pin.delegates()) {
            Multiaddr delegate = Multiaddr.parse(d);
            if (delegate.peerId().isEmpty()) {
                throw RpcError.failed("invalid p2p multiaddr");
            }
            try {
                req.node().host().connect(delegate);
            } catch (IOException e) {
                // Kubo logs it and goes on: the service may still find the content
            }
        }
        if (!req.bool("background")) {
            pin = waitPinned(req, client, pin.requestId());
        }
        res.single(output(pin));
    }

    private static PinningServiceClient.RemotePin waitPinned(RpcRequest req, PinningServiceClient client, String id)
            throws InterruptedException {
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        while (true) {
            PinningServiceClient.RemotePin pin;
            try {
                pin = client.status(id);
            } catch (IOException e) {
                throw RpcError.failed("failed to check pin status for requestid=" + GoQuote.quote(id)
                        + " due to error: " + e.getMessage());
            }
            if (!pin.requestId().equals(id)) {
                throw RpcError.failed("failed to check pin status for requestid=" + GoQuote.quote(id)
                        + ", remote service sent unexpected requestid=" + GoQuote.quote(pin.requestId()));
            }
            if (pin.status().equals("pinned")) {
                return pin;
            }
            if (pin.status().equals("failed")) {
                throw RpcError.failed("remote service failed to pin requestid=" + GoQuote.quote(id));
            }
            if (req.cancelled() || System.nanoTime() > deadline) {
                throw RpcError.failed("waiting for pin interrupted, requestid=" + GoQuote.quote(id)
                        + " remains on remote service");
            }
            Thread.sleep(POLL);
        }
    }

    private static void ls(RpcRequest req, RpcResponse res) throws Exception {
        PinningServiceClient client = client(req);
        PinningServiceClient.Query query = query(req);
        List<Map<String, Object>> batch = new ArrayList<>();
        serviceCall(() -> {
            client.ls(query, p -> batch.add(output(p)), req::cancelled);
            return null;
        });
        for (Map<String, Object> o : batch) {
            res.emit(o);
        }
    }

    /** Kubo's {@code pin remote rm}: what {@code ls} lists with the same filters is removed; more than one only with {@code force}. */
    private static void rm(RpcRequest req, RpcResponse res) throws Exception {
        PinningServiceClient client = client(req);
        List<String> ids = new ArrayList<>();
        try {
            // the filters are checked while listing, so their errors are the listing's, as Kubo's
            client.ls(query(req), p -> ids.add(p.requestId()), req::cancelled);
        } catch (IOException | RpcError e) {
            throw RpcError.failed("error while listing remote pins: " + e.getMessage());
        }
        if (ids.size() > 1 && !req.bool("force")) {
            throw RpcError.failed("multiple remote pins are matching this query, add --force to confirm the bulk removal");
        }
        for (String id : ids) {
            try {
                client.delete(id);
            } catch (IOException e) {
                throw RpcError.failed("removing pin identified by requestid=" + GoQuote.quote(id) + " failed: "
                        + e.getMessage());
            }
        }
    }

    /**
     * The filters of ls and rm, checked in Kubo's order: name, CIDs, statuses ({@code pinned} when
     * none is given). Each value is one (Kubo's CLI splits at commas; its HTTP API does not).
     */
    private static PinningServiceClient.Query query(RpcRequest req) {
        String name = req.string("name").orElse(null);
        if (name != null) {
            validName(name);
        }
        List<String> cids = new ArrayList<>();
        for (String text : req.strings("cid")) {
            String root;
            try {
                root = CidArgument.rootOfUri(text).orElse(text);
            } catch (IllegalArgumentException e) { // a URI that names no single CID
                throw RpcError.failed("CID " + GoQuote.quote(text) + " cannot be parsed: " + e.getMessage());
            }
            try {
                cids.add(Cid.parse(root).toString());
            } catch (IllegalArgumentException e) {
                throw RpcError.failed("CID " + GoQuote.quote(text) + " cannot be parsed: " + GoCidErrors.of(root, e));
            }
        }
        List<String> statuses = req.has("status") ? req.strings("status") : List.of("pinned");
        for (String s : statuses) {
            if (!PinningServiceClient.STATUSES.contains(s)) {
                throw RpcError.failed("status " + GoQuote.quote(s) + " is not valid");
            }
        }
        return new PinningServiceClient.Query(cids, name, statuses, 10);
    }

    private static void validName(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw RpcError.failed("pin name is " + bytes + " bytes (max " + MAX_NAME_BYTES + " bytes)");
        }
    }

    /** The service the request names, with Kubo's errors when it names none or one not in the config. */
    private static PinningServiceClient client(RpcRequest req) throws IOException {
        if (!req.has("service")) {
            throw RpcError.failed("a service name must be passed");
        }
        String name = req.string("service").orElse("");
        if (name.isEmpty()) {
            throw RpcError.failed("remote pinning service name not specified");
        }
        PinningServices.Service s = PinningServices.all(Repository.readConfig(ConfigCommands.repository(req))).get(name);
        if (s == null) {
            throw RpcError.failed("service not known");
        }
        return client(s);
    }

    private static PinningServiceClient client(PinningServices.Service s) {
        try {
            return new PinningServiceClient(PinningServices.normalizeEndpoint(s.endpoint()), s.key(), REQUEST_TIMEOUT);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    private interface ServiceCall<T> {
        T call() throws IOException, InterruptedException;
    }

    /** A call to the service, its failure the command's error as Kubo words it. */
    private static <T> T serviceCall(ServiceCall<T> call) throws InterruptedException {
        try {
            return call.call();
        } catch (IOException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    /** Kubo's RemotePinOutput. */
    private static Map<String, Object> output(PinningServiceClient.RemotePin p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Status", p.status());
        o.put("Cid", p.cid());
        o.put("Name", p.name());
        return o;
    }

    /** {@code pin remote add}'s text: {@code CID:}, {@code Name:}, {@code Status:} aligned. */
    private static String details(RpcRequest req, Object value) {
        Map<?, ?> o = (Map<?, ?>) value;
        TabTable table = new TabTable(0, 1);
        table.line("CID:\t" + o.get("Cid"));
        table.line("Name:\t" + o.get("Name"));
        table.line("Status:\t" + o.get("Status"));
        return table.flush();
    }

    /** {@code pin remote ls}'s text: {@code cid<TAB>status<TAB>name}, the name's unprintable characters escaped. */
    private static String line(RpcRequest req, Object value) {
        Map<?, ?> o = (Map<?, ?>) value;
        return o.get("Cid") + "\t" + o.get("Status") + "\t" + GoQuote.escNonPrint(String.valueOf(o.get("Name"))) + "\n";
    }
}
