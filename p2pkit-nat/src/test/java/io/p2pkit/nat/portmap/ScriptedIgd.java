package io.p2pkit.nat.portmap;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small UPnP IGD of the test's own on loopback: real HTTP/1.1 (one request per connection, as
 * many routers' web servers), a device description naming one WAN
 * connection service, and SOAP answers (a response or a UPnP error) that the test scripts per
 * call. It stands in for routers that send what miniupnpd never does (errors 725 and 724, 718
 * from an IGD v1).
 */
final class ScriptedIgd implements AutoCloseable {
    /** How the device answers one SOAP call: the response's arguments, or a UPnP error code. */
    record Answer(Map<String, String> arguments, int errorCode, String errorDescription) {
        static Answer ok(Map<String, String> arguments) {
            return new Answer(arguments, 0, "");
        }

        static Answer error(int code, String description) {
            return new Answer(Map.of(), code, description);
        }
    }

    /** One SOAP call received: the action and its arguments in the order sent. */
    record Call(String action, Map<String, String> arguments) {
        int externalPort() {
            return Integer.parseInt(arguments.get("NewExternalPort"));
        }

        int internalPort() {
            return Integer.parseInt(arguments.get("NewInternalPort"));
        }

        long lease() {
            return Long.parseLong(arguments.get("NewLeaseDuration"));
        }
    }

    static final String EXTERNAL_IP = "203.0.113.7";
    private static final Pattern ACTION = Pattern.compile("\"?[^#\"]+#([A-Za-z]+)\"?");
    private static final Pattern ARGUMENT = Pattern.compile("<(New[A-Za-z]+)>([^<]*)</\\1>");

    private static final int MAX_HEAD = 8192;
    private static final int MAX_BODY = 64 * 1024;

    private final ServerSocket server;
    private final Thread acceptor;
    private final String serviceType;
    private final Function<Call, Answer> script;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private ScriptedIgd(String serviceType, Function<Call, Answer> script) throws IOException {
        this.serviceType = serviceType;
        this.script = script;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = Thread.ofVirtual().name("scripted-igd").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            String[] head = readHead(in).split("\r\n");
            String[] requestLine = head[0].split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                if (colon > 0) {
                    headers.put(head[i].substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT),
                            head[i].substring(colon + 1).strip());
                }
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            if (length > MAX_BODY) {
                throw new IOException("a body of " + length + " bytes");
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            switch (requestLine.length > 1 ? requestLine[1] : "") {
                case "/rootDesc.xml" -> reply(out, 200, description());
                case "/ctl" -> control(out, headers.getOrDefault("soapaction", ""), body);
                default -> reply(out, 404, "");
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or sent nonsense: this one connection ends
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || head.size() >= MAX_HEAD) {
                throw new IOException("no complete request head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Starts a device offering {@code serviceType} (e.g. {@code WANIPConnection:1}); GetExternalIPAddress
     * answers {@link #EXTERNAL_IP}, every other action what {@code script} says.
     */
    static ScriptedIgd start(String serviceType, Function<Call, Answer> script) throws IOException {
        return new ScriptedIgd("urn:schemas-upnp-org:service:" + serviceType, script);
    }

    URI location() {
        return URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
                + server.getLocalPort() + "/rootDesc.xml");
    }

    /** The calls so far, GetExternalIPAddress left out. */
    List<Call> calls() {
        return calls.stream().filter(c -> !c.action().equals("GetExternalIPAddress")).toList();
    }

    private String description() {
        return "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device>"
                + "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType><deviceList><device>"
                + "<deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType><deviceList><device>"
                + "<deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType><serviceList><service>"
                + "<serviceType>" + serviceType + "</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>"
                + "<controlURL>/ctl</controlURL><eventSubURL>/evt</eventSubURL><SCPDURL>/scpd.xml</SCPDURL>"
                + "</service></serviceList></device></deviceList></device></deviceList></device></root>";
    }

    private void control(OutputStream x, String soapAction, String body) throws IOException {
        Matcher a = ACTION.matcher(soapAction);
        if (!a.matches()) {
            reply(x, 400, "no SOAPAction");
            return;
        }
        Map<String, String> args = new LinkedHashMap<>();
        Matcher m = ARGUMENT.matcher(body);
        while (m.find()) {
            args.put(m.group(1), m.group(2));
        }
        Call call = new Call(a.group(1), args);
        calls.add(call);
        Answer answer = call.action().equals("GetExternalIPAddress")
                ? Answer.ok(Map.of("NewExternalIPAddress", EXTERNAL_IP)) : script.apply(call);
        String envelope = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
                + "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>";
        if (answer.errorCode() != 0) {
            // as UPnP Device Architecture 1.0 §3.2.2: HTTP 500 with a SOAP fault carrying the UPnPError
            reply(x, 500, envelope + "<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring>"
                    + "<detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" + answer.errorCode()
                    + "</errorCode><errorDescription>" + answer.errorDescription() + "</errorDescription></UPnPError>"
                    + "</detail></s:Fault></s:Body></s:Envelope>");
            return;
        }
        StringBuilder out = new StringBuilder(envelope).append("<u:").append(call.action()).append("Response xmlns:u=\"")
                .append(serviceType).append("\">");
        answer.arguments().forEach((k, v) -> out.append('<').append(k).append('>').append(v).append("</").append(k)
                .append('>'));
        reply(x, 200, out.append("</u:").append(call.action()).append("Response></s:Body></s:Envelope>").toString());
    }

    private static void reply(OutputStream out, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Error") + "\r\nContent-Type: text/xml; "
                + "charset=\"utf-8\"\r\nContent-Length: " + b.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
