package io.p2pkit.nat.portmap;

import io.p2pkit.core.DecodeException;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * SOAP calls to one IGD's WAN connection service: GetExternalIPAddress, AddPortMapping,
 * AddAnyPortMapping (IGD v2), DeletePortMapping. Every response body is size-capped and every call
 * has a deadline.
 */
final class UpnpClient implements AutoCloseable {
    static final int CONFLICT_IN_MAPPING_ENTRY = 718;
    static final int SAME_PORT_VALUES_REQUIRED = 724;
    static final int ONLY_PERMANENT_LEASES_SUPPORTED = 725;
    static final int NO_SUCH_ENTRY_IN_ARRAY = 714;

    private final HttpClient http;
    private final IgdDescription.Service service;
    private final Duration timeout;

    private UpnpClient(HttpClient http, IgdDescription.Service service, Duration timeout) {
        this.http = http;
        this.service = service;
        this.timeout = timeout;
    }

    /** Reads the description at {@code location} and connects to its best WAN connection service. */
    static Optional<UpnpClient> open(URI location, Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout).build();
        try {
            HttpRequest get = HttpRequest.newBuilder(location).timeout(timeout).GET().build();
            HttpResponse<InputStream> r = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body = read(r, IgdDescription.MAX_BYTES);
            if (r.statusCode() != 200) {
                throw new IOException("GET " + location + ": HTTP " + r.statusCode());
            }
            Optional<IgdDescription.Service> s = IgdDescription.decode(body, location);
            if (s.isEmpty()) {
                http.close();
                return Optional.empty();
            }
            return Optional.of(new UpnpClient(http, s.get(), timeout));
        } catch (IOException | InterruptedException | RuntimeException e) {
            http.close();
            throw e;
        }
    }

    IgdDescription.Service service() {
        return service;
    }

    /** How mappings made through it are reported, e.g. {@code UPnP WANIPConnection:2}. */
    String method() {
        return "UPnP " + service.shortName();
    }

    InetAddress externalAddress() throws IOException, InterruptedException {
        String ip = call("GetExternalIPAddress", Map.of()).getOrDefault("NewExternalIPAddress", "");
        return Ipv4.literal(ip).orElseThrow(
                () -> new IOException("GetExternalIPAddress answered '" + SsdpResponse.abbreviate(ip) + "'"));
    }

    /** AddPortMapping; {@code lease} 0 asks for a permanent one. */
    void addPortMapping(Protocol p, int externalPort, InetAddress client, int internalPort, long lease)
            throws IOException, InterruptedException {
        call("AddPortMapping", mapping(p, externalPort, client, internalPort, lease));
    }

    /** AddAnyPortMapping (IGD v2): the device picks a free external port near the wanted one. */
    int addAnyPortMapping(Protocol p, int externalPort, InetAddress client, int internalPort, long lease)
            throws IOException, InterruptedException {
        String port = call("AddAnyPortMapping", mapping(p, externalPort, client, internalPort, lease))
                .getOrDefault("NewReservedPort", "");
        try {
            int reserved = Integer.parseInt(port);
            if (reserved < 1 || reserved > 65535) {
                throw new NumberFormatException(port);
            }
            return reserved;
        } catch (NumberFormatException e) {
            throw new IOException("AddAnyPortMapping reserved port '" + SsdpResponse.abbreviate(port) + "'", e);
        }
    }

    void deletePortMapping(Protocol p, int externalPort) throws IOException, InterruptedException {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", String.valueOf(externalPort));
        args.put("NewProtocol", p.name());
        call("DeletePortMapping", args);
    }

    private static Map<String, String> mapping(Protocol p, int externalPort, InetAddress client, int internalPort,
                                               long lease) {
        // argument order is the action's, as the specification lists them: some devices insist
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", String.valueOf(externalPort));
        args.put("NewProtocol", p.name());
        args.put("NewInternalPort", String.valueOf(internalPort));
        args.put("NewInternalClient", client.getHostAddress());
        args.put("NewEnabled", "1");
        args.put("NewPortMappingDescription", "p2pkit");
        args.put("NewLeaseDuration", String.valueOf(lease));
        return args;
    }

    private Map<String, String> call(String action, Map<String, String> args) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder(512)
                .append("<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" ")
                .append("s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:").append(action)
                .append(" xmlns:u=\"").append(service.type()).append("\">");
        for (Map.Entry<String, String> a : args.entrySet()) {
            body.append('<').append(a.getKey()).append('>').append(escape(a.getValue()))
                    .append("</").append(a.getKey()).append('>');
        }
        body.append("</u:").append(action).append("></s:Body></s:Envelope>\r\n");
        HttpRequest req = HttpRequest.newBuilder(service.controlUrl()).timeout(timeout)
                .header("Content-Type", "text/xml; charset=\"utf-8\"")
                .header("SOAPAction", "\"" + service.type() + "#" + action + "\"")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        byte[] bytes = read(r, SoapResponse.MAX_BYTES);
        SoapResponse s;
        try {
            s = SoapResponse.decode(bytes, action);
        } catch (DecodeException e) {
            throw new IOException(action + ": HTTP " + r.statusCode() + ", " + e.getMessage(), e);
        }
        if (s.isFault()) {
            throw new PortMapException("UPnP", s.errorCode(), s.description());
        }
        if (r.statusCode() != 200) {
            throw new IOException(action + ": HTTP " + r.statusCode());
        }
        return s.arguments();
    }

    private static byte[] read(HttpResponse<InputStream> r, int max) throws IOException {
        try (InputStream in = r.body()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new IOException(r.uri() + ": a body of more than " + max + " bytes");
            }
            return b;
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public void close() {
        http.close();
    }
}
