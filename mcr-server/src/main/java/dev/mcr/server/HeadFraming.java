package dev.mcr.server;

/**
 * Checks that a request head can be read only one way (RFC 9112). A proxy in front of mcr and mcr itself
 * must agree on where a request ends; every construct two parsers may read differently is refused: a bare CR,
 * a header name that is not an RFC 9110 token (control characters, spaces), whitespace between a name and its
 * colon, a line folded onto the previous one, a control character in a value, a {@code Content-Length} that
 * is not plain digits, more than one {@code Content-Length}, and {@code Content-Length} together with
 * {@code Transfer-Encoding}.
 */
final class HeadFraming {

    /** The longest Content-Length taken as a number (more digits cannot be a body this server accepts). */
    private static final int MAX_LENGTH_DIGITS = 18;

    private HeadFraming() {
    }

    /**
     * Finds the first framing problem of a head.
     *
     * @param b   the bytes
     * @param end where the head ends (after its blank line)
     * @return a sentence for the 400 answer, or {@code null} when the head is fine
     */
    static String problem(byte[] b, int end) {
        for (int i = 0; i < end; i++) {
            if (b[i] == '\r' && (i + 1 >= end || b[i + 1] != '\n')) {
                return "The request head contains a carriage return that does not end a line.";
            }
        }
        int lineStart = skipLine(b, 0, end);
        int contentLengths = 0;
        boolean transferEncoding = false;
        while (lineStart < end) {
            int lineEnd = lineEnd(b, lineStart, end);
            if (lineEnd == lineStart) {
                break;
            }
            if (b[lineStart] == ' ' || b[lineStart] == '\t') {
                return "A header line starts with whitespace (obsolete line folding is not accepted).";
            }
            int colon = -1;
            for (int i = lineStart; i < lineEnd; i++) {
                if (b[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon < 0) {
                return "A header line has no colon.";
            }
            if (colon == lineStart) {
                return "A header line has an empty name.";
            }
            for (int i = lineStart; i < colon; i++) {
                if (b[i] == ' ' || b[i] == '\t') {
                    return "A header name is followed by whitespace before its colon.";
                }
                if (!isTokenChar(b[i])) {
                    return "A header name contains a character that is not allowed in a token.";
                }
            }
            for (int i = colon + 1; i < lineEnd; i++) {
                int c = b[i] & 0xff;
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    return "A header value contains a control character.";
                }
            }
            String name = new String(b, lineStart, colon - lineStart, java.nio.charset.StandardCharsets.US_ASCII);
            if (name.equalsIgnoreCase("content-length")) {
                contentLengths++;
                if (!plainDigits(b, colon + 1, lineEnd)) {
                    return "The Content-Length header must be a plain number of bytes.";
                }
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                transferEncoding = true;
            }
            lineStart = skipLine(b, lineStart, end);
        }
        if (contentLengths > 1) {
            return "A request must not have more than one Content-Length header.";
        }
        if (contentLengths == 1 && transferEncoding) {
            return "A request must not have both Content-Length and Transfer-Encoding.";
        }
        return null;
    }

    /** The index where the line starting at {@code from} ends (before its CRLF or LF). */
    private static int lineEnd(byte[] b, int from, int end) {
        int i = from;
        while (i < end && b[i] != '\n') {
            i++;
        }
        return i > from && b[i - 1] == '\r' ? i - 1 : i;
    }

    /** The index after the line ending of the line starting at {@code from}. */
    private static int skipLine(byte[] b, int from, int end) {
        int i = from;
        while (i < end && b[i] != '\n') {
            i++;
        }
        return Math.min(end, i + 1);
    }

    private static boolean plainDigits(byte[] b, int from, int to) {
        int s = from;
        int e = to;
        while (s < e && (b[s] == ' ' || b[s] == '\t')) {
            s++;
        }
        while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
            e--;
        }
        if (s == e || e - s > MAX_LENGTH_DIGITS) {
            return false;
        }
        for (int i = s; i < e; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 {@code tchar}: {@code !#$%&'*+-.^_`|~}, digits and letters. */
    private static boolean isTokenChar(byte c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
