package io.p2pkit.node.gateway;

import org.eclipse.jetty.http.HttpStatus;

/**
 * The HTML page a browser gets for a gateway error: the status and what went wrong, escaped,
 * with a word on what the status means for content-addressed data.
 */
final class ErrorPage {
    private ErrorPage() {
    }

    /**
     * @param status  the HTTP status
     * @param message what went wrong (plain text; escaped here)
     * @return the page
     */
    static String render(int status, String message) {
        String title = status + " " + HttpStatus.getMessage(status);
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + DirectoryListing.html(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:60em}pre{white-space:pre-wrap;"
                + "background:#f4f4f4;padding:1em}</style>\n</head>\n<body>\n"
                + "<h1>" + DirectoryListing.html(title) + "</h1>\n"
                + "<pre>" + DirectoryListing.html(message == null ? "" : message) + "</pre>\n"
                + "<p>" + hint(status) + "</p>\n</body>\n</html>\n";
    }

    private static String hint(int status) {
        return switch (status) {
            case 404 -> "The path does not lead to anything in this content.";
            case 406 -> "This gateway does not serve this kind of response.";
            case 412 -> "The content is not on this gateway, and the request asked not to fetch it.";
            case 429 -> "The gateway is busy: try again in a minute.";
            case 502 -> "A block of this content is not what its CID or its format says.";
            case 504 -> "The content could not be found or retrieved from the network in time.";
            default -> "This gateway could not serve the request.";
        };
    }
}
