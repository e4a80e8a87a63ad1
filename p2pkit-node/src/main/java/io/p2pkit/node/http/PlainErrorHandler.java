package io.p2pkit.node.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;

/**
 * Jetty's answer for errors no handler answered (a bad request line, headers over the limit, a
 * body over the limit, a handler that failed): one line of text, {@code 413 Content Too Large: …},
 * never HTML, an exception or a stack trace.
 */
final class PlainErrorHandler implements Request.Handler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        StringBuilder text = new StringBuilder().append(status).append(' ').append(HttpStatus.getMessage(status));
        // An error says what was wrong (the missing block of a 504, say), except an internal one, which
        // says nothing of the code that failed.
        if (status != 500 && request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String message
                && !message.isBlank()) {
            text.append(": ").append(message.replaceAll("[\\r\\n]+", " "));
        }
        text.append('\n');
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, StandardCharsets.UTF_8.encode(text.toString()), callback);
        return true;
    }
}
