package dev.mcr.runtime;

import java.util.Objects;
import java.util.regex.MatchResult;

/**
 * Renders a case's message template for one regex match, exactly like the original's
 * {@code template.format_map(mapping)} (Python {@code str.format} syntax).
 *
 * <p>The mapping is the original's: {@code match} is the whole match; {@code g1}, {@code g2}, … are the
 * groups by number; named groups are available under their Python names and win over {@code match}/{@code gN}
 * of the same name. A group that did not take part in the match renders as {@code None}, as in Python.
 *
 * <p>Supported like Python: <code>&#123;&#123;</code> and <code>&#125;&#125;</code> escapes, conversions {@code !s}, {@code !r},
 * {@code !a}, string format specs ({@code {g1:>5}}, {@code {g1:*^9}}, {@code {g1:.3}}, {@code {g1:05}}, nested
 * {@code {g1:{g2}}}), indexing ({@code {match[0]}}). Whenever Python would raise (unknown name, single brace,
 * positional {@code {}} or {@code {0}}, bad conversion or spec, index out of range, a spec on {@code None}),
 * the result is the template unchanged, as the original catches every exception.
 *
 * <p>Known differences: attribute access ({@code {match.upper}}) yields the raw template (Python would print
 * an object address); a width above {@value #MAX_WIDTH} yields the raw template (Python would build it).
 *
 * <p>Thread-safe: no state.
 */
final class MessageTemplate {

    /** Largest field width honoured; above it the raw template is used instead of building a huge string. */
    public static final int MAX_WIDTH = 1 << 20;

    private static final Object NONE = new Object();

    private MessageTemplate() {
    }

    /**
     * Renders a template for a match.
     *
     * @param template the message template (Python {@code str.format} syntax)
     * @param match    the match; its group numbers must be those of {@code pattern}
     * @param pattern  the pattern that produced the match (for named groups)
     * @return the rendered message, or {@code template} itself when Python would have raised
     */
    public static String render(String template, MatchResult match, CompiledPattern pattern) {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(pattern, "pattern");
        if (template.indexOf('{') < 0 && template.indexOf('}') < 0) {
            return template;
        }
        try {
            int[] cps = template.codePoints().toArray();
            StringBuilder out = new StringBuilder(template.length() + 32);
            build(cps, 0, cps.length, 2, match, pattern, out);
            return out.toString();
        } catch (FormatError e) {
            return template;
        }
    }

    /** Any exception Python's {@code format_map} would raise. */
    private static final class FormatError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FormatError(String message) {
            super(message, null, false, false);
        }
    }

    // build_string / do_markup / MarkupIterator_next
    private static void build(int[] s, int start, int end, int depth, MatchResult m, CompiledPattern p, StringBuilder out) {
        if (depth <= 0) {
            throw new FormatError("Max string recursion exceeded");
        }
        int pos = start;
        while (pos < end) {
            int literalStart = pos;
            int c = 0;
            boolean markup = false;
            while (pos < end) {
                c = s[pos++];
                if (c == '{' || c == '}') {
                    markup = true;
                    break;
                }
            }
            boolean atEnd = pos >= end;
            int literalLength = pos - literalStart;
            if (markup && c == '}' && (atEnd || s[pos] != '}')) {
                throw new FormatError("Single '}' encountered in format string");
            }
            if (markup && atEnd && c == '{') {
                throw new FormatError("Single '{' encountered in format string");
            }
            if (!atEnd) {
                if (c == s[pos]) {
                    pos++;
                    markup = false;
                } else {
                    literalLength--;
                }
            }
            for (int i = literalStart; i < literalStart + literalLength; i++) {
                out.appendCodePoint(s[i]);
            }
            if (!markup) {
                continue;
            }
            // parse_field
            int nameStart = pos;
            c = 0;
            while (pos < end) {
                c = s[pos++];
                if (c == '{') {
                    throw new FormatError("unexpected '{' in field name");
                }
                if (c == '[') {
                    while (pos < end && s[pos] != ']') {
                        pos++;
                    }
                    continue;
                }
                if (c == '}' || c == ':' || c == '!') {
                    break;
                }
            }
            int nameEnd = pos - 1;
            int conversion = 0;
            int specStart = pos;
            int specEnd = pos;
            boolean expand = false;
            if (c == '!' || c == ':') {
                boolean specFollows = true;
                if (c == '!') {
                    if (pos >= end) {
                        throw new FormatError("end of string while looking for conversion specifier");
                    }
                    conversion = s[pos++];
                    if (pos < end) {
                        int next = s[pos++];
                        if (next == '}') {
                            specFollows = false;
                            specStart = pos;
                            specEnd = pos;
                        } else if (next != ':') {
                            throw new FormatError("expected ':' after conversion specifier");
                        }
                    }
                }
                if (specFollows) {
                    specStart = pos;
                    int count = 1;
                    boolean closed = false;
                    while (pos < end) {
                        int x = s[pos++];
                        if (x == '{') {
                            expand = true;
                            count++;
                        } else if (x == '}') {
                            count--;
                            if (count == 0) {
                                specEnd = pos - 1;
                                closed = true;
                                break;
                            }
                        }
                    }
                    if (!closed) {
                        throw new FormatError("unmatched '{' in format spec");
                    }
                }
            } else if (c != '}') {
                throw new FormatError("expected '}' before end of string");
            }
            // output_markup
            Object value = fieldObject(s, nameStart, nameEnd, m, p);
            if (conversion != 0) {
                value = convert(value, conversion);
            }
            String spec;
            if (expand) {
                StringBuilder expanded = new StringBuilder();
                build(s, specStart, specEnd, depth - 1, m, p, expanded);
                spec = expanded.toString();
            } else {
                spec = new String(s, specStart, specEnd - specStart);
            }
            renderField(value, spec, out);
        }
    }

    // get_field_object for format_map: keyword lookup, then [index] on str
    private static Object fieldObject(int[] s, int start, int end, MatchResult m, CompiledPattern p) {
        int i = start;
        while (i < end && s[i] != '.' && s[i] != '[') {
            i++;
        }
        if (i == start || decimal(s, start, i) >= 0) {
            throw new FormatError("Format string contains positional fields");
        }
        Object value = lookup(new String(s, start, i - start), m, p);
        while (i < end) {
            int c = s[i++];
            if (c == '.') {
                // Python would return a str attribute (usually a bound method printed with its address).
                throw new FormatError("attribute access is not supported");
            }
            if (c != '[') {
                throw new FormatError("Only '.' or '[' may follow ']' in format field specifier");
            }
            int nameStart = i;
            while (i < end && s[i] != ']') {
                i++;
            }
            if (i >= end) {
                throw new FormatError("Missing ']' in format string");
            }
            int nameEnd = i++;
            if (nameStart == nameEnd) {
                throw new FormatError("Empty attribute in format string");
            }
            long index = decimal(s, nameStart, nameEnd);
            if (index < 0 || value == NONE) {
                throw new FormatError("string indices must be integers");
            }
            String str = (String) value;
            int length = str.codePointCount(0, str.length());
            if (index >= length) {
                throw new FormatError("string index out of range");
            }
            int offset = str.offsetByCodePoints(0, (int) index);
            value = new String(Character.toChars(str.codePointAt(offset)));
        }
        return value;
    }

    /** Python's get_integer: the value of an all-decimal-digit run, -1 when empty or not all digits. */
    private static long decimal(int[] s, int start, int end) {
        if (start >= end) {
            return -1;
        }
        long acc = 0;
        for (int i = start; i < end; i++) {
            int d = Character.getType(s[i]) == Character.DECIMAL_DIGIT_NUMBER ? Character.digit(s[i], 10) : -1;
            if (d < 0) {
                return -1;
            }
            if (acc > (Long.MAX_VALUE - d) / 10) {
                throw new FormatError("Too many decimal digits in format string");
            }
            acc = acc * 10 + d;
        }
        return acc;
    }

    private static Object lookup(String key, MatchResult m, CompiledPattern p) {
        Integer named = p.groupIndexes().get(key);
        if (named != null) {
            return group(m, named);
        }
        if (key.equals("match")) {
            return m.group();
        }
        if (key.length() >= 2 && key.length() <= 11 && key.charAt(0) == 'g' && key.charAt(1) >= '1' && key.charAt(1) <= '9'
                && key.chars().skip(1).allMatch(ch -> ch >= '0' && ch <= '9')) {
            long n = Long.parseLong(key.substring(1));
            if (n <= m.groupCount()) {
                return group(m, (int) n);
            }
        }
        throw new FormatError("KeyError: " + key);
    }

    private static Object group(MatchResult m, int index) {
        if (index > m.groupCount()) {
            throw new FormatError("the match does not belong to this pattern");
        }
        String value = m.group(index);
        return value == null ? NONE : value;
    }

    private static String convert(Object value, int conversion) {
        switch (conversion) {
            case 's':
                return value == NONE ? "None" : (String) value;
            case 'r':
                return value == NONE ? "None" : pyRepr((String) value, false);
            case 'a':
                return value == NONE ? "None" : pyRepr((String) value, true);
            default:
                throw new FormatError("Unknown conversion specifier");
        }
    }

    // render_field: str.__format__ (formatter_unicode.c) or object.__format__ for None
    private static void renderField(Object value, String spec, StringBuilder out) {
        if (value == NONE) {
            if (!spec.isEmpty()) {
                throw new FormatError("unsupported format string passed to NoneType.__format__");
            }
            out.append("None");
            return;
        }
        String str = (String) value;
        if (spec.isEmpty()) {
            out.append(str);
            return;
        }
        int[] sp = spec.codePoints().toArray();
        int end = sp.length;
        int pos = 0;
        int fill = ' ';
        int align = '<';
        boolean fillSpecified = false;
        if (end - pos >= 2 && isAlign(sp[pos + 1])) {
            align = sp[pos + 1];
            fill = sp[pos];
            fillSpecified = true;
            pos += 2;
        } else if (end - pos >= 1 && isAlign(sp[pos])) {
            align = sp[pos];
            pos++;
        }
        if (end - pos >= 1 && (sp[pos] == ' ' || sp[pos] == '+' || sp[pos] == '-')) {
            throw new FormatError("Sign not allowed in string format specifier");
        }
        if (end - pos >= 1 && sp[pos] == 'z') {
            throw new FormatError("Negative zero coercion (z) not allowed in string format specifier");
        }
        if (end - pos >= 1 && sp[pos] == '#') {
            throw new FormatError("Alternate form (#) not allowed in string format specifier");
        }
        if (!fillSpecified && end - pos >= 1 && sp[pos] == '0') {
            fill = '0';
            pos++;
        }
        int widthStart = pos;
        long width = 0;
        while (pos < end && Character.getType(sp[pos]) == Character.DECIMAL_DIGIT_NUMBER) {
            width = Math.min(width * 10 + Character.digit(sp[pos], 10), Long.MAX_VALUE / 20);
            pos++;
        }
        if (pos == widthStart) {
            width = -1;
        }
        if (pos < end && (sp[pos] == ',' || sp[pos] == '_')) {
            throw new FormatError("Cannot specify ',' or '_' with 's'.");
        }
        long precision = -1;
        if (pos < end && sp[pos] == '.') {
            pos++;
            int precisionStart = pos;
            precision = 0;
            while (pos < end && Character.getType(sp[pos]) == Character.DECIMAL_DIGIT_NUMBER) {
                precision = Math.min(precision * 10 + Character.digit(sp[pos], 10), Long.MAX_VALUE / 20);
                pos++;
            }
            if (pos == precisionStart) {
                throw new FormatError("Format specifier missing precision");
            }
        }
        if (end - pos > 1) {
            throw new FormatError("Invalid format specifier");
        }
        if (end - pos == 1 && sp[pos] != 's') {
            throw new FormatError("Unknown format code for object of type 'str'");
        }
        if (align == '=') {
            throw new FormatError("'=' alignment not allowed in string format specifier");
        }
        if (width > MAX_WIDTH) {
            throw new FormatError("width too large");
        }
        int length = str.codePointCount(0, str.length());
        if (precision >= 0 && length >= precision) {
            length = (int) precision;
        }
        int total = width > length ? (int) width : length;
        int left = align == '>' ? total - length : align == '^' ? (total - length) / 2 : 0;
        int right = total - length - left;
        for (int i = 0; i < left; i++) {
            out.appendCodePoint(fill);
        }
        out.append(str, 0, str.offsetByCodePoints(0, length));
        for (int i = 0; i < right; i++) {
            out.appendCodePoint(fill);
        }
    }

    private static boolean isAlign(int c) {
        return c == '<' || c == '>' || c == '=' || c == '^';
    }

    // ---------------------------------------------------------------------------------------------
    // Python str helpers shared with PythonRegex and CaseMatcher

    /** Python's {@code str.isspace()} for one code point ({@code Py_UNICODE_ISSPACE}). */
    static boolean isPySpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f
                || cp == 0x3000;
    }

    /** Python's {@code str.strip()} with no argument. */
    static String pyStrip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end) {
            int cp = s.codePointAt(start);
            if (!isPySpace(cp)) {
                break;
            }
            start += Character.charCount(cp);
        }
        while (end > start) {
            int cp = s.codePointBefore(end);
            if (!isPySpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(start, end);
    }

    /** Python's {@code str.isprintable()} for one code point. */
    static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    /** Python's {@code repr(str)}, or {@code ascii(str)} when {@code ascii} is set. */
    static String pyRepr(String s, boolean ascii) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') {
                sb.append('\\').append((char) cp);
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp < ' ' || cp == 0x7f) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp < 0x7f || (!ascii && isPrintable(cp))) {
                sb.appendCodePoint(cp);
            } else if (cp <= 0xff) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp <= 0xffff) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\U%08x", cp));
            }
        });
        return sb.append(quote).toString();
    }
}
