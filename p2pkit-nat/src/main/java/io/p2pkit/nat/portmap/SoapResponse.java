package io.p2pkit.nat.portmap;

import io.p2pkit.core.DecodeException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A UPnP SOAP response (UPnP Device Architecture 1.1, §3.2): the action's output arguments, or a
 * UPnPError fault.
 *
 * @param arguments   the output arguments by name (success)
 * @param errorCode   the UPnP error code (fault), else 0
 * @param description the error's description (fault), else empty
 */
record SoapResponse(Map<String, String> arguments, int errorCode, String description) {
    /** Largest response accepted; real ones are under 1 KB. */
    static final int MAX_BYTES = 64 * 1024;
    /** Most output arguments (GetGenericPortMappingEntry, the largest action, has 8). */
    static final int MAX_ARGUMENTS = 32;
    /** Longest argument value kept. */
    static final int MAX_VALUE = 1024;

    boolean isFault() {
        return errorCode != 0;
    }

    /**
     * Decodes the body of a response to {@code action}.
     *
     * @throws DecodeException when it is too large, not XML, or neither the action's response nor a fault
     */
    static SoapResponse decode(byte[] xml, String action) {
        Document doc = SafeXml.parse(xml, MAX_BYTES, "soap");
        Element envelope = doc.getDocumentElement();
        if (!"Envelope".equals(envelope.getLocalName())) {
            throw new DecodeException("soap", "root is " + envelope.getLocalName() + ", not Envelope");
        }
        Element body = SafeXml.first(envelope, "Body")
                .orElseThrow(() -> new DecodeException("soap", "no Body"));
        Element first = firstChild(body);
        if (first == null) {
            throw new DecodeException("soap", "empty Body");
        }
        if ("Fault".equals(first.getLocalName())) {
            String code = SafeXml.first(first, "errorCode").map(e -> e.getTextContent().strip())
                    .orElseThrow(() -> new DecodeException("soap.fault", "a fault without a UPnP errorCode"));
            int c;
            try {
                c = Integer.parseInt(code);
            } catch (NumberFormatException e) {
                throw new DecodeException("soap.fault", "errorCode " + SsdpResponse.abbreviate(code), e);
            }
            if (c <= 0) {
                throw new DecodeException("soap.fault", "errorCode " + c);
            }
            String desc = SafeXml.first(first, "errorDescription").map(e -> e.getTextContent().strip()).orElse("");
            return new SoapResponse(Map.of(), c, SsdpResponse.abbreviate(desc));
        }
        if (!(action + "Response").equals(first.getLocalName())) {
            throw new DecodeException("soap", first.getLocalName() + " is not " + action + "Response");
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (Node n = first.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (args.size() == MAX_ARGUMENTS) {
                    throw new DecodeException("soap", "more than " + MAX_ARGUMENTS + " arguments");
                }
                String v = e.getTextContent().strip();
                if (v.length() > MAX_VALUE) {
                    throw new DecodeException("soap." + e.getLocalName(), v.length() + " characters");
                }
                args.put(e.getLocalName(), v);
            }
        }
        return new SoapResponse(Map.copyOf(args), 0, "");
    }

    private static Element firstChild(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }
}
