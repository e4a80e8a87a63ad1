package io.p2pkit.nat.portmap;

import io.p2pkit.core.DecodeException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JDK's XML parser, hardened for documents from the network: no DTD at all (so no entity
 * expansion and no external entities), no XInclude, no external access, a depth limit, and a size
 * cap checked before parsing.
 */
final class SafeXml {
    /** Deepest element nesting accepted; UPnP documents nest about eight deep. */
    static final int MAX_DEPTH = 32;

    private static final DocumentBuilderFactory FACTORY = factory();

    private SafeXml() {
    }

    /**
     * Parses {@code xml} into a namespace-aware DOM.
     *
     * @param what     what the document is, for errors
     * @param maxBytes the size cap
     * @throws DecodeException when it is too large or not well-formed XML
     */
    static Document parse(byte[] xml, int maxBytes, String what) {
        if (xml.length > maxBytes) {
            throw new DecodeException(what, xml.length + " bytes, more than " + maxBytes);
        }
        try {
            DocumentBuilder b = FACTORY.newDocumentBuilder();
            b.setErrorHandler(THROWING);
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity " + systemId);
            });
            return b.parse(new ByteArrayInputStream(xml));
        } catch (SAXException | IOException e) {
            throw new DecodeException(what, "not well-formed XML: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first element under {@code parent} (at any depth) with this local name. */
    static Optional<Element> first(Element parent, String localName) {
        NodeList l = parent.getElementsByTagNameNS("*", localName);
        return l.getLength() == 0 ? Optional.empty() : Optional.of((Element) l.item(0));
    }

    /** Every element under {@code parent} (at any depth) with this local name. */
    static List<Element> all(Element parent, String localName) {
        NodeList l = parent.getElementsByTagNameNS("*", localName);
        List<Element> out = new ArrayList<>(l.getLength());
        for (int i = 0; i < l.getLength(); i++) {
            out.add((Element) l.item(i));
        }
        return out;
    }

    /** The text of the first direct child element with this local name, trimmed. */
    static Optional<String> childText(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                return Optional.of(e.getTextContent().strip());
            }
        }
        return Optional.empty();
    }

    private static final ErrorHandler THROWING = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // warnings do not make a document unreadable
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a hardening feature", e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setAttribute("jdk.xml.maxElementDepth", String.valueOf(MAX_DEPTH));
        return f;
    }
}
