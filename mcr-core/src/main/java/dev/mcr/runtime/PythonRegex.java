package dev.mcr.runtime;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates Python {@code re} patterns (Python 3.11, {@code str} patterns, compiled with
 * {@code re.MULTILINE} as the original does) to {@link java.util.regex} and compiles them.
 *
 * <p>The pattern is parsed the way Python's {@code re._parser} parses it, so a pattern Python rejects is
 * rejected here too, with Python's error text and position (for example
 * {@code missing ), unterminated subpattern at position 0}). A valid pattern is then written out in Java
 * syntax with Python's meaning:
 * <ul>
 *   <li>{@code (?P<name>…)}, {@code (?P=name)}: Java named groups; names Java forbids ({@code disk_use},
 *       non-ASCII) get a Java name (see {@link CompiledPattern#groupNames()}).</li>
 *   <li>{@code \d}, {@code \w}, {@code \s}, {@code \b}, {@code \B} and their negations match exactly Python's
 *       Unicode classes (Unicode digits, letters and numbers, Python's whitespace list); under {@code (?a)}
 *       their ASCII forms. A {@code \b} or {@code \B} next to a part of the pattern that can only match a word
 *       character tests only the other side.</li>
 *   <li>{@code \Z} becomes {@code \z}; {@code ^} also matches after a final {@code \n}, as in Python (Java's
 *       own {@code ^} is used where the rest of the pattern must consume a character, so it cannot matter);
 *       {@code .} and {@code $} treat only {@code \n} as a line end.</li>
 *   <li>Literal braces (<code>a&#123;</code>, <code>&#123;foo&#125;</code>, <code>x&#123;1,</code>), Python escapes ({@code \v}, {@code \U0001F600},
 *       octal, {@code \N{EM DASH}}), verbose mode ({@code (?x)}, which in Python keeps spaces inside
 *       character classes), {@code (?#comments)}, scoped flags, {@code {,n}} quantifiers, atomic groups and
 *       possessive quantifiers.</li>
 * </ul>
 * Conditional groups ({@code (?(1)yes|no)}) have no Java equivalent: such a pattern is rejected with a
 * message saying so.
 *
 * <p>Thread-safe: no state.
 */
public final class PythonRegex {

    /**
     * The Java flags every translated pattern is compiled with: the original compiles with
     * {@code re.MULTILINE}; Python's line end is only {@code \n}; Python's case folding is Unicode-aware.
     */
    public static final int JAVA_FLAGS = Pattern.MULTILINE | Pattern.UNIX_LINES | Pattern.UNICODE_CASE;

    // Python's flag bits (re._constants).
    private static final int F_TEMPLATE = 1;
    private static final int F_IGNORECASE = 2;
    private static final int F_LOCALE = 4;
    private static final int F_MULTILINE = 8;
    private static final int F_DOTALL = 16;
    private static final int F_UNICODE = 32;
    private static final int F_VERBOSE = 64;
    private static final int F_DEBUG = 128;
    private static final int F_ASCII = 256;
    private static final int TYPE_FLAGS = F_ASCII | F_LOCALE | F_UNICODE;
    private static final int GLOBAL_FLAGS = F_DEBUG | F_TEMPLATE;

    private static final long MAXREPEAT = 4294967295L;
    private static final long MAXCODE = 0xFFFFFFFFL;
    private static final long MAXWIDTH = Long.MAX_VALUE;
    private static final int MAX_NESTING = 400;

    private static final String SPECIAL_CHARS = ".\\[{()*+?^$|";
    private static final String REPEAT_CHARS = "*+?{";
    private static final String DIGITS = "0123456789";
    private static final String OCTDIGITS = "01234567";
    private static final String HEXDIGITS = "0123456789abcdefABCDEF";
    private static final String WHITESPACE = " \t\n\r\u000b\f";
    private static final String FLAG_CHARS = "iLmsxatu";

    /** Python's {@code \s} for str patterns: Unicode whitespace plus U+001C..U+001F. */
    private static final String UNI_SPACE_ITEMS =
            "\\x{9}-\\x{d}\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}";
    private static final String ASCII_SPACE_ITEMS = "\\x{9}-\\x{d}\\x{20}";
    /** Python's {@code \w} for str patterns is exactly: letters, numbers (Nd, Nl, No) and underscore. */
    private static final String UNI_WORD_ITEMS = "\\p{L}\\p{N}_";
    private static final String ASCII_WORD_ITEMS = "a-zA-Z0-9_";

    /*
     * Python always works on code points; java.util.regex needs a supplementary character in the pattern text
     * for two things, so patterns that need them get this empty, never-repeated atom at the end:
     * - A look-behind (including our \b where it needs one) reads a supplementary character before the current
     *   position correctly only when the pattern text from the look-behind onward contains one (Java then uses
     *   its code-point-aware look-behind).
     * - The scan for a match start steps over the second half of a surrogate pair only when the pattern contains
     *   one (or a class that can match a supplementary character, e.g. \p{..} or a negated class: Java then picks
     *   that scan by itself). Otherwise a pattern that can match the empty string finds an extra empty match in
     *   the middle of an emoji.
     * Other patterns do not get it: it would only make Java scan for a match start more slowly.
     */
    private static final String SUPPLEMENTARY_MARKER = "(?:\uD835\uDC00){0}";

    private PythonRegex() {
    }

    /**
     * Translates and compiles a Python pattern.
     *
     * @param pythonPattern the pattern in Python {@code re} syntax (not stripped here)
     * @return the compiled pattern with its group name maps
     * @throws IllegalArgumentException when Python would reject the pattern (the message is Python's
     *                                  {@code re.error} text, e.g. {@code nothing to repeat at position 0}), or when the
     *                                  pattern uses a construct Java cannot run (the message says which)
     */
    public static CompiledPattern compile(String pythonPattern) {
        Translation t = translateInternal(pythonPattern);
        Pattern compiled;
        try {
            compiled = Pattern.compile(t.java, JAVA_FLAGS);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("the pattern is valid in Python, but its Java translation cannot be compiled: "
                    + e.getDescription(), e);
        } catch (StackOverflowError e) {
            throw new IllegalArgumentException("the pattern is nested too deeply to be compiled", e);
        }
        if (compiled.matcher("").groupCount() != t.groupCount) {
            throw new IllegalStateException("Translating '" + pythonPattern + "' changed the number of groups; this is a bug.");
        }
        return new CompiledPattern(compiled, t.names, t.indexes, pythonPattern);
    }

    /**
     * Translates a Python pattern to Java syntax without compiling it. Compile the result with
     * {@link #JAVA_FLAGS}; Python's global inline flags ({@code (?i)}, {@code (?s)}, {@code (?a)}) are kept as a
     * Java inline prefix, verbose mode is resolved by the translation.
     *
     * @param pythonPattern the pattern in Python {@code re} syntax
     * @return the Java pattern text
     * @throws IllegalArgumentException like {@link #compile(String)}
     */
    public static String translate(String pythonPattern) {
        return translateInternal(pythonPattern).java;
    }

    /** At most this many literals in a "contains one of" prefilter; more would cost more than the regex saves. */
    private static final int MAX_REQUIRED_ALTERNATIVES = 8;
    /** The global flags under which a literal in the pattern matches exactly its own code point in the line. */
    private static final int LITERAL_SAFE_FLAGS = F_MULTILINE | F_DOTALL | F_UNICODE | F_ASCII | F_VERBOSE;

    /**
     * Derives a cheap test every line with a match must pass: the line contains at least one of the returned
     * strings (usually just one). Derived from the parse tree, so it holds for every match Python's
     * {@code re.search} can find, wherever it starts:
     * <ul>
     *   <li>a literal run is consecutive literals (or one-member character classes) of one concatenation, looking
     *       through groups, atomic groups and zero-width items (anchors, look-arounds) and into repeats with a
     *       minimum of at least one; anything else (a class, {@code .}, a back reference, a conditional, an
     *       optional or zero-minimum repeat, the contents of a look-around) ends a run and adds nothing;</li>
     *   <li>an alternation gives "one of" the best requirement of each branch, only when every branch has one;</li>
     *   <li>nothing at all for a pattern with global flags other than {@code m s u a x} (above all {@code (?i)},
     *       whose Unicode case folding matches {@code K} to the Kelvin sign and so on); a group with a scoped
     *       {@code (?i:...)} adds nothing; surrogate code points end a run.</li>
     * </ul>
     * The best candidate is the one whose shortest string is longest (then the one with fewer strings).
     *
     * @param pythonPattern the pattern in Python {@code re} syntax
     * @return the strings, one of which every line with a match contains; empty when no such test is certain
     * @throws IllegalArgumentException when Python would reject the pattern, like {@link #compile(String)}
     */
    static List<String> requiredLiterals(String pythonPattern) {
        Parsed parsed = parseChecked(pythonPattern);
        if ((parsed.state().flags & ~LITERAL_SAFE_FLAGS) != 0) {
            return List.of();
        }
        List<String> best = bestRequired(parsed.tree());
        return best == null ? List.of() : best;
    }

    /** The requirements found in one concatenation: finished candidates and the literal run being built. */
    private static final class Required {
        final List<List<String>> candidates = new ArrayList<>();
        final StringBuilder run = new StringBuilder();

        void endRun() {
            if (run.length() > 0) {
                candidates.add(List.of(run.toString()));
                run.setLength(0);
            }
        }
    }

    private static List<String> bestRequired(Seq seq) {
        Required r = new Required();
        collectRequired(seq, r);
        r.endRun();
        List<String> best = null;
        int bestShortest = 0;
        for (List<String> c : r.candidates) {
            int shortest = c.stream().mapToInt(String::length).min().orElse(0);
            if (shortest > bestShortest || (shortest == bestShortest && best != null && c.size() < best.size())) {
                best = c;
                bestShortest = shortest;
            }
        }
        return bestShortest > 0 ? best : null;
    }

    private static void collectRequired(Seq seq, Required r) {
        for (Node n : seq.items()) {
            if (n instanceof Lit lit) {
                appendRequired(lit.cp(), r);
            } else if (n instanceof CharSet set && !set.negate() && set.items().size() == 1
                    && set.items().get(0).kind() == ITEM_LITERAL) {
                appendRequired(set.items().get(0).lo(), r);
            } else if (n instanceof At || n instanceof Assert) {
                // Zero-width: the characters on both sides stay adjacent in the match.
                continue;
            } else if (n instanceof Group g && (g.addFlags() & F_IGNORECASE) == 0) {
                collectRequired(g.body(), r);
            } else if (n instanceof Atomic a) {
                collectRequired(a.body(), r);
            } else if (n instanceof Repeat rep) {
                r.endRun();
                if (rep.min() >= 1) {
                    collectRequired(rep.item(), r);
                    r.endRun();
                }
            } else if (n instanceof Branch b) {
                r.endRun();
                List<String> anyOf = branchRequired(b);
                if (anyOf != null) {
                    r.candidates.add(anyOf);
                }
            } else {
                r.endRun();
            }
        }
    }

    private static void appendRequired(int cp, Required r) {
        if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
            r.endRun();
        } else {
            r.run.appendCodePoint(cp);
        }
    }

    /** "One of": each branch's best requirement, or null when some branch has none or there are too many. */
    private static List<String> branchRequired(Branch b) {
        Set<String> all = new LinkedHashSet<>();
        for (Seq alt : b.alternatives()) {
            List<String> best = bestRequired(alt);
            if (best == null) {
                return null;
            }
            all.addAll(best);
        }
        // A line containing "ERRORS" contains "ERROR": the longer one adds no test.
        List<String> kept = new ArrayList<>();
        for (String s : all) {
            boolean implied = false;
            for (String other : all) {
                if (!other.equals(s) && s.contains(other)) {
                    implied = true;
                    break;
                }
            }
            if (!implied) {
                kept.add(s);
            }
        }
        return kept.size() <= MAX_REQUIRED_ALTERNATIVES ? List.copyOf(kept) : null;
    }

    private record Translation(String java, Map<String, String> names, Map<String, Integer> indexes, int groupCount) {
    }

    private record Parsed(Source source, State state, Seq tree) {
    }

    /** Parses like {@code re._parser.parse} plus the checks of {@code re._compiler}; Python's errors as exceptions. */
    private static Parsed parseChecked(String pythonPattern) {
        Objects.requireNonNull(pythonPattern, "pythonPattern");
        Source source = new Source(pythonPattern);
        State state = new State();
        Seq tree;
        try {
            source.start();
            state.flags = F_MULTILINE;
            tree = parseSub(source, state, false, 0);
            state.flags = fixFlags(state.flags);
            if (source.next != null) {
                throw source.error("unbalanced parenthesis", 0);
            }
            for (Map.Entry<Integer, Integer> ref : state.grouprefpos.entrySet()) {
                if (ref.getKey() >= state.groups()) {
                    throw new PyError("invalid group reference " + ref.getKey(), ref.getValue());
                }
            }
            checkLookbehinds(tree, state);
        } catch (PyError e) {
            throw new IllegalArgumentException(e.render(source.cps), null);
        }
        return new Parsed(source, state, tree);
    }

    private static Translation translateInternal(String pythonPattern) {
        Parsed parsed = parseChecked(pythonPattern);
        Source source = parsed.source();
        State state = parsed.state();
        Seq tree = parsed.tree();
        Map<String, String> names = javaNames(state.groupdict);
        Map<Integer, String> byGroup = new LinkedHashMap<>();
        names.forEach((py, java) -> byGroup.put(state.groupdict.get(py), java));
        Emitter emitter = new Emitter(byGroup, source.cps, state);
        emitter.out.append(globalPrefix(state.flags));
        emitter.seq(tree, state.flags, 0);
        if (emitter.lookbehind || width(tree, state)[0] == 0) {
            emitter.out.append(SUPPLEMENTARY_MARKER);
        }
        return new Translation(emitter.out.toString(), names, state.groupdict, state.groups() - 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Errors

    /** A Python {@code re.error}: message and position (negative when Python gives none). */
    private static final class PyError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String msg;
        final int pos;

        PyError(String msg, int pos) {
            super(msg, null, false, false);
            this.msg = msg;
            this.pos = pos;
        }

        String render(int[] cps) {
            if (pos < 0) {
                return msg;
            }
            StringBuilder sb = new StringBuilder(msg).append(" at position ").append(pos);
            boolean multiline = false;
            for (int cp : cps) {
                if (cp == '\n') {
                    multiline = true;
                    break;
                }
            }
            if (multiline) {
                int line = 1;
                int lastNewline = -1;
                for (int i = 0; i < pos && i < cps.length; i++) {
                    if (cps[i] == '\n') {
                        line++;
                        lastNewline = i;
                    }
                }
                sb.append(" (line ").append(line).append(", column ").append(pos - lastNewline).append(')');
            }
            return sb.toString();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Tokenizer (re._parser.Tokenizer): a token is one code point, or a backslash and one code point.

    private static final class Source {
        final int[] cps;
        int index;
        String next;

        Source(String pattern) {
            this.cps = pattern.codePoints().toArray();
        }

        void start() {
            advance();
        }

        private void advance() {
            int i = index;
            if (i >= cps.length) {
                next = null;
                return;
            }
            if (cps[i] == '\\') {
                i++;
                if (i >= cps.length) {
                    throw new PyError("bad escape (end of pattern)", cps.length - 1);
                }
                next = new String(cps, i - 1, 2);
            } else {
                next = new String(cps, i, 1);
            }
            index = i + 1;
        }

        boolean match(String c) {
            if (c.equals(next)) {
                advance();
                return true;
            }
            return false;
        }

        String get() {
            String t = next;
            advance();
            return t;
        }

        String getWhile(int n, String charset) {
            StringBuilder result = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (!in(next, charset)) {
                    break;
                }
                result.append(next);
                advance();
            }
            return result.toString();
        }

        String getUntil(String terminator, String name) {
            StringBuilder result = new StringBuilder();
            while (true) {
                String c = next;
                advance();
                if (c == null) {
                    if (result.length() == 0) {
                        throw error("missing " + name, 0);
                    }
                    throw error("missing " + terminator + ", unterminated name", len(result.toString()));
                }
                if (c.equals(terminator)) {
                    if (result.length() == 0) {
                        throw error("missing " + name, 1);
                    }
                    break;
                }
                result.append(c);
            }
            return result.toString();
        }

        int tell() {
            return index - (next == null ? 0 : len(next));
        }

        void seek(int i) {
            index = i;
            advance();
        }

        PyError error(String msg, int offset) {
            return new PyError(msg, tell() - offset);
        }

        void checkGroupName(String name, int offset) {
            if (!isIdentifier(name)) {
                throw error("bad character in group name " + MessageTemplate.pyRepr(name, false), len(name) + offset);
            }
        }
    }

    private static boolean in(String token, String chars) {
        return token != null && token.length() == 1 && chars.indexOf(token.charAt(0)) >= 0;
    }

    private static int len(String s) {
        return s.codePointCount(0, s.length());
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty()) {
            return false;
        }
        int first = s.codePointAt(0);
        if (first != '_' && !Character.isUnicodeIdentifierStart(first)) {
            return false;
        }
        return s.codePoints().skip(1)
                .allMatch(c -> Character.isUnicodeIdentifierPart(c) && !Character.isIdentifierIgnorable(c));
    }

    private static boolean isAsciiLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAlpha(String token) {
        return !token.isEmpty() && token.codePoints().allMatch(Character::isLetter);
    }

    // ---------------------------------------------------------------------------------------------
    // Parse tree

    private interface Node {
    }

    private record Seq(List<Node> items) implements Node {
    }

    private record Lit(int cp) implements Node {
    }

    private record AnyChar() implements Node {
    }

    private static final int CAT_DIGIT = 0;
    private static final int CAT_NOT_DIGIT = 1;
    private static final int CAT_SPACE = 2;
    private static final int CAT_NOT_SPACE = 3;
    private static final int CAT_WORD = 4;
    private static final int CAT_NOT_WORD = 5;

    private static final int ITEM_LITERAL = 0;
    private static final int ITEM_RANGE = 1;
    private static final int ITEM_CATEGORY = 2;

    /** One member of a character set: a literal {@code lo}, a range {@code lo..hi}, or a category {@code lo}. */
    private record SetItem(int kind, int lo, int hi) {
        static SetItem literal(int cp) {
            return new SetItem(ITEM_LITERAL, cp, cp);
        }

        static SetItem category(int cat) {
            return new SetItem(ITEM_CATEGORY, cat, cat);
        }
    }

    private record CharSet(boolean negate, List<SetItem> items) implements Node {
    }

    private static final int AT_BEGINNING = 0;
    private static final int AT_BEGINNING_STRING = 1;
    private static final int AT_END = 2;
    private static final int AT_END_STRING = 3;
    private static final int AT_BOUNDARY = 4;
    private static final int AT_NON_BOUNDARY = 5;

    private record At(int kind) implements Node {
    }

    private static final int GREEDY = 0;
    private static final int LAZY = 1;
    private static final int POSSESSIVE = 2;

    private record Repeat(long min, long max, int mode, Seq item) implements Node {
    }

    /** A group; {@code gid} 0 means non-capturing (possibly with scoped flags). */
    private record Group(int gid, int addFlags, int delFlags, Seq body) implements Node {
    }

    private record Atomic(Seq body) implements Node {
    }

    private record Assert(boolean behind, boolean negate, Seq body) implements Node {
    }

    private record GroupRef(int gid, boolean byName) implements Node {
    }

    private record GroupRefExists(int gid, Seq yes, Seq no, int pos) implements Node {
    }

    private record Branch(List<Seq> alternatives) implements Node {
    }

    private static final class State {
        int flags;
        final Map<String, Integer> groupdict = new LinkedHashMap<>();
        final List<long[]> groupwidths = new ArrayList<>();
        Integer lookbehindgroups;
        final Map<Integer, Integer> grouprefpos = new LinkedHashMap<>();

        State() {
            groupwidths.add(null);
        }

        int groups() {
            return groupwidths.size();
        }

        int openGroup(String name) {
            int gid = groups();
            groupwidths.add(null);
            if (name != null) {
                Integer ogid = groupdict.get(name);
                if (ogid != null) {
                    throw new PyError("redefinition of group name " + MessageTemplate.pyRepr(name, false) + " as group "
                            + gid + "; was group " + ogid, -1);
                }
                groupdict.put(name, gid);
            }
            return gid;
        }

        void closeGroup(int gid, Seq p) {
            groupwidths.set(gid, width(p, this));
        }

        boolean checkGroup(int gid) {
            return gid < groups() && groupwidths.get(gid) != null;
        }

        void checkLookbehindGroup(int gid, Source source) {
            if (lookbehindgroups != null) {
                if (!checkGroup(gid)) {
                    throw source.error("cannot refer to an open group", 0);
                }
                if (gid >= lookbehindgroups) {
                    throw source.error("cannot refer to group defined in the same lookbehind subpattern", 0);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Parser (re._parser._parse_sub / _parse / _escape / _class_escape / _parse_flags)

    private static Seq parseSub(Source source, State state, boolean verbose, int nested) {
        if (nested > MAX_NESTING) {
            throw new PyError("the pattern is nested too deeply", -1);
        }
        List<Seq> items = new ArrayList<>();
        boolean v = verbose;
        while (true) {
            items.add(parse(source, state, v, nested + 1, nested == 0 && items.isEmpty()));
            if (!source.match("|")) {
                break;
            }
            if (nested == 0) {
                v = (state.flags & F_VERBOSE) != 0;
            }
        }
        if (items.size() == 1) {
            return items.get(0);
        }
        return new Seq(List.of(new Branch(items)));
    }

    private static Seq parse(Source source, State state, boolean verboseIn, int nested, boolean first) {
        boolean verbose = verboseIn;
        List<Node> sub = new ArrayList<>();
        while (true) {
            String t = source.next;
            if (t == null || t.equals("|") || t.equals(")")) {
                break;
            }
            source.get();
            if (verbose) {
                if (in(t, WHITESPACE)) {
                    continue;
                }
                if (t.equals("#")) {
                    while (true) {
                        String c = source.get();
                        if (c == null || c.equals("\n")) {
                            break;
                        }
                    }
                    continue;
                }
            }
            if (t.charAt(0) == '\\') {
                sub.add(escape(source, t, state));
            } else if (!in(t, SPECIAL_CHARS)) {
                sub.add(new Lit(t.codePointAt(0)));
            } else if (t.equals("[")) {
                sub.add(parseSet(source));
            } else if (in(t, REPEAT_CHARS)) {
                int here = source.tell();
                long min;
                long max;
                if (t.equals("?")) {
                    min = 0;
                    max = 1;
                } else if (t.equals("*")) {
                    min = 0;
                    max = MAXREPEAT;
                } else if (t.equals("+")) {
                    min = 1;
                    max = MAXREPEAT;
                } else {
                    if ("}".equals(source.next)) {
                        sub.add(new Lit('{'));
                        continue;
                    }
                    min = 0;
                    max = MAXREPEAT;
                    StringBuilder lo = new StringBuilder();
                    StringBuilder hi = new StringBuilder();
                    while (in(source.next, DIGITS)) {
                        lo.append(source.get());
                    }
                    if (source.match(",")) {
                        while (in(source.next, DIGITS)) {
                            hi.append(source.get());
                        }
                    } else {
                        hi.append(lo);
                    }
                    if (!source.match("}")) {
                        sub.add(new Lit('{'));
                        source.seek(here);
                        continue;
                    }
                    if (lo.length() > 0) {
                        min = repetitionNumber(lo.toString());
                    }
                    if (hi.length() > 0) {
                        max = repetitionNumber(hi.toString());
                        if (max < min) {
                            throw source.error("min repeat greater than max repeat", source.tell() - here);
                        }
                    }
                }
                Node last = sub.isEmpty() ? null : sub.get(sub.size() - 1);
                if (last == null || last instanceof At) {
                    throw source.error("nothing to repeat", source.tell() - here + len(t));
                }
                if (last instanceof Repeat) {
                    throw source.error("multiple repeat", source.tell() - here + len(t));
                }
                Seq item;
                if (last instanceof Group g && g.gid() == 0 && g.addFlags() == 0 && g.delFlags() == 0) {
                    item = g.body();
                } else {
                    item = new Seq(List.of(last));
                }
                int mode = source.match("?") ? LAZY : source.match("+") ? POSSESSIVE : GREEDY;
                sub.set(sub.size() - 1, new Repeat(min, max, mode, item));
            } else if (t.equals(".")) {
                sub.add(new AnyChar());
            } else if (t.equals("(")) {
                int start = source.tell() - 1;
                boolean capture = true;
                boolean atomic = false;
                String name = null;
                int addFlags = 0;
                int delFlags = 0;
                if (source.match("?")) {
                    String ch = source.get();
                    if (ch == null) {
                        throw source.error("unexpected end of pattern", 0);
                    }
                    if (ch.equals("P")) {
                        if (source.match("<")) {
                            name = source.getUntil(">", "group name");
                            source.checkGroupName(name, 1);
                        } else if (source.match("=")) {
                            String ref = source.getUntil(")", "group name");
                            source.checkGroupName(ref, 1);
                            Integer gid = state.groupdict.get(ref);
                            if (gid == null) {
                                throw source.error("unknown group name " + MessageTemplate.pyRepr(ref, false), len(ref) + 1);
                            }
                            if (!state.checkGroup(gid)) {
                                throw source.error("cannot refer to an open group", len(ref) + 1);
                            }
                            state.checkLookbehindGroup(gid, source);
                            sub.add(new GroupRef(gid, true));
                            continue;
                        } else {
                            String c = source.get();
                            if (c == null) {
                                throw source.error("unexpected end of pattern", 0);
                            }
                            throw source.error("unknown extension ?P" + c, len(c) + 2);
                        }
                    } else if (ch.equals(":")) {
                        capture = false;
                    } else if (ch.equals("#")) {
                        while (true) {
                            if (source.next == null) {
                                throw source.error("missing ), unterminated comment", source.tell() - start);
                            }
                            if (source.get().equals(")")) {
                                break;
                            }
                        }
                        continue;
                    } else if (in(ch, "=!<")) {
                        boolean behind = false;
                        Integer outerLookbehind = null;
                        if (ch.equals("<")) {
                            ch = source.get();
                            if (ch == null) {
                                throw source.error("unexpected end of pattern", 0);
                            }
                            if (!in(ch, "=!")) {
                                throw source.error("unknown extension ?<" + ch, len(ch) + 2);
                            }
                            behind = true;
                            outerLookbehind = state.lookbehindgroups;
                            if (outerLookbehind == null) {
                                state.lookbehindgroups = state.groups();
                            }
                        }
                        Seq p = parseSub(source, state, verbose, nested + 1);
                        if (behind && outerLookbehind == null) {
                            state.lookbehindgroups = null;
                        }
                        if (!source.match(")")) {
                            throw source.error("missing ), unterminated subpattern", source.tell() - start);
                        }
                        sub.add(new Assert(behind, ch.equals("!"), p));
                        continue;
                    } else if (ch.equals("(")) {
                        sub.add(parseConditional(source, state, verbose, nested, start));
                        continue;
                    } else if (ch.equals(">")) {
                        capture = false;
                        atomic = true;
                    } else if (in(ch, FLAG_CHARS) || ch.equals("-")) {
                        int[] flags = parseFlags(source, state, ch);
                        if (flags == null) {
                            if (!first || !sub.isEmpty()) {
                                throw source.error("global flags not at the start of the expression", source.tell() - start);
                            }
                            verbose = (state.flags & F_VERBOSE) != 0;
                            continue;
                        }
                        addFlags = flags[0];
                        delFlags = flags[1];
                        capture = false;
                    } else {
                        throw source.error("unknown extension ?" + ch, len(ch) + 1);
                    }
                }
                int gid = 0;
                if (capture) {
                    try {
                        gid = state.openGroup(name);
                    } catch (PyError e) {
                        throw source.error(e.msg, (name == null ? 0 : len(name)) + 1);
                    }
                }
                boolean subVerbose = (verbose || (addFlags & F_VERBOSE) != 0) && (delFlags & F_VERBOSE) == 0;
                Seq p = parseSub(source, state, subVerbose, nested + 1);
                if (!source.match(")")) {
                    throw source.error("missing ), unterminated subpattern", source.tell() - start);
                }
                if (gid != 0) {
                    state.closeGroup(gid, p);
                }
                sub.add(atomic ? new Atomic(p) : new Group(gid, addFlags, delFlags, p));
            } else if (t.equals("^")) {
                sub.add(new At(AT_BEGINNING));
            } else if (t.equals("$")) {
                sub.add(new At(AT_END));
            } else {
                throw new IllegalStateException("Unhandled pattern character " + t);
            }
        }
        return new Seq(sub);
    }

    private static long repetitionNumber(String digits) {
        BigInteger value = new BigInteger(digits);
        if (value.compareTo(BigInteger.valueOf(MAXREPEAT)) >= 0) {
            // Python raises OverflowError here, not re.error.
            throw new PyError("the repetition number is too large", -1);
        }
        return value.longValue();
    }

    private static Node parseConditional(Source source, State state, boolean verbose, int nested, int start) {
        String condname = source.getUntil(")", "group name");
        int condgroup;
        if (isIdentifier(condname)) {
            source.checkGroupName(condname, 1);
            Integer gid = state.groupdict.get(condname);
            if (gid == null) {
                throw source.error("unknown group name " + MessageTemplate.pyRepr(condname, false), len(condname) + 1);
            }
            condgroup = gid;
        } else {
            BigInteger value = pythonInt(condname);
            if (value == null || value.signum() < 0) {
                throw source.error("bad character in group name " + MessageTemplate.pyRepr(condname, false), len(condname) + 1);
            }
            if (value.signum() == 0) {
                throw source.error("bad group number", len(condname) + 1);
            }
            if (value.compareTo(BigInteger.valueOf(1073741823L)) >= 0) {
                throw source.error("invalid group reference " + value, len(condname) + 1);
            }
            condgroup = value.intValue();
            state.grouprefpos.putIfAbsent(condgroup, source.tell() - len(condname) - 1);
        }
        state.checkLookbehindGroup(condgroup, source);
        Seq yes = parse(source, state, verbose, nested + 1, false);
        Seq no = null;
        if (source.match("|")) {
            no = parse(source, state, verbose, nested + 1, false);
            if ("|".equals(source.next)) {
                throw source.error("conditional backref with more than two branches", 0);
            }
        }
        if (!source.match(")")) {
            throw source.error("missing ), unterminated subpattern", source.tell() - start);
        }
        return new GroupRefExists(condgroup, yes, no, start);
    }

    /** Python's {@code int(str)} for the few forms a group number can take; null when Python raises. */
    private static BigInteger pythonInt(String text) {
        String s = MessageTemplate.pyStrip(text);
        int i = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        StringBuilder digits = new StringBuilder();
        boolean lastUnderscore = true;
        for (int k = i; k < s.length(); ) {
            int c = s.codePointAt(k);
            k += Character.charCount(c);
            if (c == '_') {
                if (lastUnderscore) {
                    return null;
                }
                lastUnderscore = true;
                continue;
            }
            int d = Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER ? Character.digit(c, 10) : -1;
            if (d < 0) {
                return null;
            }
            digits.append((char) ('0' + d));
            lastUnderscore = false;
        }
        if (digits.length() == 0 || lastUnderscore) {
            return null;
        }
        BigInteger value = new BigInteger(digits.toString());
        return negative ? value.negate() : value;
    }

    private static CharSet parseSet(Source source) {
        int here = source.tell() - 1;
        List<SetItem> set = new ArrayList<>();
        boolean negate = source.match("^");
        while (true) {
            String t = source.get();
            if (t == null) {
                throw source.error("unterminated character set", source.tell() - here);
            }
            if (t.equals("]") && !set.isEmpty()) {
                break;
            }
            SetItem code1 = t.charAt(0) == '\\' ? classEscape(source, t) : SetItem.literal(t.codePointAt(0));
            if (source.match("-")) {
                String that = source.get();
                if (that == null) {
                    throw source.error("unterminated character set", source.tell() - here);
                }
                if (that.equals("]")) {
                    set.add(code1);
                    set.add(SetItem.literal('-'));
                    break;
                }
                SetItem code2 = that.charAt(0) == '\\' ? classEscape(source, that) : SetItem.literal(that.codePointAt(0));
                if (code1.kind() != ITEM_LITERAL || code2.kind() != ITEM_LITERAL || code2.lo() < code1.lo()) {
                    throw source.error("bad character range " + t + "-" + that, len(t) + 1 + len(that));
                }
                set.add(new SetItem(ITEM_RANGE, code1.lo(), code2.lo()));
            } else {
                set.add(code1);
            }
        }
        return new CharSet(negate, set);
    }

    private static int category(int c) {
        switch (c) {
            case 'd':
                return CAT_DIGIT;
            case 'D':
                return CAT_NOT_DIGIT;
            case 's':
                return CAT_SPACE;
            case 'S':
                return CAT_NOT_SPACE;
            case 'w':
                return CAT_WORD;
            case 'W':
                return CAT_NOT_WORD;
            default:
                return -1;
        }
    }

    /** Python's ESCAPES table, without {@code \b} (a boundary outside sets, a backspace inside). */
    private static int simpleEscape(int c) {
        switch (c) {
            case 'a':
                return 7;
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'v':
                return 0x0b;
            case '\\':
                return '\\';
            default:
                return -1;
        }
    }

    /** The escapes shared by both contexts (x, u, U and N after a backslash); -1 when not one of them. */
    private static int codeEscape(Source source, String escape) {
        int c = escape.codePointAt(1);
        String esc = escape;
        if (c == 'x' || c == 'u' || c == 'U') {
            int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            esc += source.getWhile(digits, HEXDIGITS);
            if (len(esc) != digits + 2) {
                throw source.error("incomplete escape " + esc, len(esc));
            }
            long value = Long.parseLong(esc.substring(2), 16);
            if (value > Character.MAX_CODE_POINT) {
                throw source.error("bad escape " + esc, len(esc));
            }
            return (int) value;
        }
        if (c == 'N') {
            if (!source.match("{")) {
                throw source.error("missing {", 0);
            }
            String charname = source.getUntil("}", "character name");
            try {
                return Character.codePointOf(charname);
            } catch (IllegalArgumentException e) {
                throw source.error("undefined character name " + MessageTemplate.pyRepr(charname, false), len(charname) + 4);
            }
        }
        return -1;
    }

    private static Node escape(Source source, String escape, State state) {
        int c = escape.codePointAt(1);
        switch (c) {
            case 'A':
                return new At(AT_BEGINNING_STRING);
            case 'b':
                return new At(AT_BOUNDARY);
            case 'B':
                return new At(AT_NON_BOUNDARY);
            case 'Z':
                return new At(AT_END_STRING);
            default:
                break;
        }
        int cat = category(c);
        if (cat >= 0) {
            return new CharSet(false, List.of(SetItem.category(cat)));
        }
        int simple = simpleEscape(c);
        if (simple >= 0) {
            return new Lit(simple);
        }
        int code = codeEscape(source, escape);
        if (code >= 0) {
            return new Lit(code);
        }
        String esc = escape;
        if (c == '0') {
            esc += source.getWhile(2, OCTDIGITS);
            return new Lit(Integer.parseInt(esc.substring(1), 8));
        }
        if (c >= '0' && c <= '9') {
            if (in(source.next, DIGITS)) {
                esc += source.get();
                if (OCTDIGITS.indexOf(esc.charAt(1)) >= 0 && OCTDIGITS.indexOf(esc.charAt(2)) >= 0
                        && in(source.next, OCTDIGITS)) {
                    esc += source.get();
                    int value = Integer.parseInt(esc.substring(1), 8);
                    if (value > 0377) {
                        throw source.error("octal escape value " + esc + " outside of range 0-0o377", len(esc));
                    }
                    return new Lit(value);
                }
            }
            int group = Integer.parseInt(esc.substring(1));
            if (group < state.groups()) {
                if (!state.checkGroup(group)) {
                    throw source.error("cannot refer to an open group", len(esc));
                }
                state.checkLookbehindGroup(group, source);
                return new GroupRef(group, false);
            }
            throw source.error("invalid group reference " + group, len(esc) - 1);
        }
        if (isAsciiLetter(c)) {
            throw source.error("bad escape " + esc, len(esc));
        }
        return new Lit(c);
    }

    private static SetItem classEscape(Source source, String escape) {
        int c = escape.codePointAt(1);
        if (c == 'b') {
            return SetItem.literal(8);
        }
        int simple = simpleEscape(c);
        if (simple >= 0) {
            return SetItem.literal(simple);
        }
        int cat = category(c);
        if (cat >= 0) {
            return SetItem.category(cat);
        }
        int code = codeEscape(source, escape);
        if (code >= 0) {
            return SetItem.literal(code);
        }
        String esc = escape;
        if (c >= '0' && c <= '7') {
            esc += source.getWhile(2, OCTDIGITS);
            int value = Integer.parseInt(esc.substring(1), 8);
            if (value > 0377) {
                throw source.error("octal escape value " + esc + " outside of range 0-0o377", len(esc));
            }
            return SetItem.literal(value);
        }
        if ((c >= '0' && c <= '9') || isAsciiLetter(c)) {
            throw source.error("bad escape " + esc, len(esc));
        }
        return SetItem.literal(c);
    }

    private static int flagOf(String ch) {
        switch (ch) {
            case "i":
                return F_IGNORECASE;
            case "L":
                return F_LOCALE;
            case "m":
                return F_MULTILINE;
            case "s":
                return F_DOTALL;
            case "x":
                return F_VERBOSE;
            case "a":
                return F_ASCII;
            case "t":
                return F_TEMPLATE;
            case "u":
                return F_UNICODE;
            default:
                throw new IllegalStateException("Not a flag: " + ch);
        }
    }

    /** Returns {add, del} for a scoped group, or null for global flags (applied to the state). */
    private static int[] parseFlags(Source source, State state, String first) {
        String ch = first;
        int add = 0;
        int del = 0;
        if (!ch.equals("-")) {
            while (true) {
                int flag = flagOf(ch);
                if (ch.equals("L")) {
                    throw source.error("bad inline flags: cannot use 'L' flag with a str pattern", 0);
                }
                add |= flag;
                if ((flag & TYPE_FLAGS) != 0 && (add & TYPE_FLAGS) != flag) {
                    throw source.error("bad inline flags: flags 'a', 'u' and 'L' are incompatible", 0);
                }
                ch = source.get();
                if (ch == null) {
                    throw source.error("missing -, : or )", 0);
                }
                if (in(ch, ")-:")) {
                    break;
                }
                if (!in(ch, FLAG_CHARS)) {
                    throw source.error(isAlpha(ch) ? "unknown flag" : "missing -, : or )", len(ch));
                }
            }
        }
        if (ch.equals(")")) {
            state.flags |= add;
            return null;
        }
        if ((add & GLOBAL_FLAGS) != 0) {
            throw source.error("bad inline flags: cannot turn on global flag", 1);
        }
        if (ch.equals("-")) {
            ch = source.get();
            if (ch == null) {
                throw source.error("missing flag", 0);
            }
            if (!in(ch, FLAG_CHARS)) {
                throw source.error(isAlpha(ch) ? "unknown flag" : "missing flag", len(ch));
            }
            while (true) {
                int flag = flagOf(ch);
                if ((flag & TYPE_FLAGS) != 0) {
                    throw source.error("bad inline flags: cannot turn off flags 'a', 'u' and 'L'", 0);
                }
                del |= flag;
                ch = source.get();
                if (ch == null) {
                    throw source.error("missing :", 0);
                }
                if (ch.equals(":")) {
                    break;
                }
                if (!in(ch, FLAG_CHARS)) {
                    throw source.error(isAlpha(ch) ? "unknown flag" : "missing :", len(ch));
                }
            }
        }
        if ((del & GLOBAL_FLAGS) != 0) {
            throw source.error("bad inline flags: cannot turn off global flag", 1);
        }
        if ((add & del) != 0) {
            throw source.error("bad inline flags: flag turned on and off", 1);
        }
        return new int[] {add, del};
    }

    private static int fixFlags(int flags) {
        if ((flags & F_LOCALE) != 0) {
            throw new PyError("cannot use LOCALE flag with a str pattern", -1);
        }
        if ((flags & F_ASCII) == 0) {
            return flags | F_UNICODE;
        }
        if ((flags & F_UNICODE) != 0) {
            // Python raises ValueError here, not re.error.
            throw new PyError("ASCII and UNICODE flags are incompatible", -1);
        }
        return flags;
    }

    // ---------------------------------------------------------------------------------------------
    // Widths and the look-behind rule of re._compiler

    private static long add(long a, long b) {
        return a > MAXWIDTH - b ? MAXWIDTH : a + b;
    }

    private static long mul(long a, long b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return a > MAXWIDTH / b ? MAXWIDTH : a * b;
    }

    private static long[] width(Seq seq, State state) {
        long lo = 0;
        long hi = 0;
        for (Node n : seq.items()) {
            if (n instanceof Branch b) {
                long i = MAXWIDTH;
                long j = 0;
                for (Seq alt : b.alternatives()) {
                    long[] w = width(alt, state);
                    i = Math.min(i, w[0]);
                    j = Math.max(j, w[1]);
                }
                lo = add(lo, i);
                hi = add(hi, j);
            } else if (n instanceof Atomic a) {
                long[] w = width(a.body(), state);
                lo = add(lo, w[0]);
                hi = add(hi, w[1]);
            } else if (n instanceof Group g) {
                long[] w = width(g.body(), state);
                lo = add(lo, w[0]);
                hi = add(hi, w[1]);
            } else if (n instanceof Repeat r) {
                long[] w = width(r.item(), state);
                lo = add(lo, mul(w[0], r.min()));
                if (r.max() == MAXREPEAT && w[1] != 0) {
                    hi = MAXWIDTH;
                } else {
                    hi = add(hi, mul(w[1], r.max()));
                }
            } else if (n instanceof Lit || n instanceof AnyChar || n instanceof CharSet) {
                lo = add(lo, 1);
                hi = add(hi, 1);
            } else if (n instanceof GroupRef ref) {
                long[] w = state.groupwidths.get(ref.gid());
                lo = add(lo, w[0]);
                hi = add(hi, w[1]);
            } else if (n instanceof GroupRefExists cond) {
                long[] w = width(cond.yes(), state);
                long i = w[0];
                long j = w[1];
                if (cond.no() != null) {
                    long[] wn = width(cond.no(), state);
                    i = Math.min(i, wn[0]);
                    j = Math.max(j, wn[1]);
                } else {
                    i = 0;
                }
                lo = add(lo, i);
                hi = add(hi, j);
            }
        }
        return new long[] {lo, hi};
    }

    private static void checkLookbehinds(Seq seq, State state) {
        for (Node n : seq.items()) {
            if (n instanceof Assert a) {
                if (a.behind()) {
                    long[] w = width(a.body(), state);
                    if (w[0] > MAXCODE) {
                        throw new PyError("looks too much behind", -1);
                    }
                    if (w[0] != w[1]) {
                        throw new PyError("look-behind requires fixed-width pattern", -1);
                    }
                }
                checkLookbehinds(a.body(), state);
            } else if (n instanceof Branch b) {
                for (Seq alt : b.alternatives()) {
                    checkLookbehinds(alt, state);
                }
            } else if (n instanceof Group g) {
                checkLookbehinds(g.body(), state);
            } else if (n instanceof Atomic a) {
                checkLookbehinds(a.body(), state);
            } else if (n instanceof Repeat r) {
                checkLookbehinds(r.item(), state);
            } else if (n instanceof GroupRefExists cond) {
                checkLookbehinds(cond.yes(), state);
                if (cond.no() != null) {
                    checkLookbehinds(cond.no(), state);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Java names and output

    private static boolean isJavaGroupName(String name) {
        if (name.isEmpty() || !isAsciiLetter(name.charAt(0))) {
            return false;
        }
        return name.chars().allMatch(c -> isAsciiLetter(c) || (c >= '0' && c <= '9'));
    }

    private static Map<String, String> javaNames(Map<String, Integer> groupdict) {
        Set<String> taken = new HashSet<>();
        for (String name : groupdict.keySet()) {
            if (isJavaGroupName(name)) {
                taken.add(name);
            }
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String name : groupdict.keySet()) {
            if (isJavaGroupName(name)) {
                result.put(name, name);
                continue;
            }
            StringBuilder base = new StringBuilder();
            name.chars().filter(c -> isAsciiLetter(c) || (c >= '0' && c <= '9')).forEach(c -> base.append((char) c));
            if (base.length() == 0 || !isAsciiLetter(base.charAt(0))) {
                base.insert(0, 'g');
            }
            String candidate = base.toString();
            for (int n = 2; taken.contains(candidate); n++) {
                candidate = base.toString() + n;
            }
            taken.add(candidate);
            result.put(name, candidate);
        }
        return result;
    }

    private static String globalPrefix(int flags) {
        StringBuilder on = new StringBuilder();
        if ((flags & F_IGNORECASE) != 0) {
            on.append('i');
        }
        if ((flags & F_DOTALL) != 0) {
            on.append('s');
        }
        boolean ascii = (flags & F_ASCII) != 0;
        if (on.length() == 0 && !ascii) {
            return "";
        }
        return "(?" + on + (ascii ? "-u" : "") + ")";
    }

    private static final class Emitter {
        final StringBuilder out = new StringBuilder();
        final Map<Integer, String> javaNames;
        final int[] source;
        final State state;
        boolean lookbehind;

        Emitter(Map<Integer, String> javaNames, int[] source, State state) {
            this.javaNames = javaNames;
            this.source = source;
            this.state = state;
        }

        /**
         * Writes a sequence. {@code after} is the least number of characters any match must still consume
         * after the sequence (0 when unknown, e.g. inside a look-around).
         */
        void seq(Seq seq, int flags, long after) {
            List<Node> items = seq.items();
            boolean wrapBranches = items.size() > 1;
            long[] rest = new long[items.size() + 1];
            rest[items.size()] = after;
            for (int k = items.size() - 1; k >= 0; k--) {
                rest[k] = add(rest[k + 1], width(new Seq(List.of(items.get(k))), state)[0]);
            }
            for (int k = 0; k < items.size(); k++) {
                Node n = items.get(k);
                if (n instanceof At at) {
                    anchor(at.kind(), flags, items, k, rest[k + 1]);
                } else {
                    node(n, flags, wrapBranches, rest[k + 1]);
                }
            }
        }

        void node(Node n, int flags, boolean wrapBranches, long after) {
            boolean ascii = (flags & F_ASCII) != 0;
            if (n instanceof Lit lit) {
                literal(out, lit.cp());
            } else if (n instanceof AnyChar) {
                out.append('.');
            } else if (n instanceof CharSet set) {
                charSet(set, ascii);
            } else if (n instanceof At at) {
                anchor(at.kind(), flags, List.of(at), 0, 0);
            } else if (n instanceof Repeat r) {
                repeat(r, flags, after);
            } else if (n instanceof Group g) {
                group(g, flags, after);
            } else if (n instanceof Atomic a) {
                out.append("(?>");
                seq(a.body(), flags, after);
                out.append(')');
            } else if (n instanceof Assert a) {
                lookbehind |= a.behind();
                out.append("(?").append(a.behind() ? "<" : "").append(a.negate() ? '!' : '=');
                seq(a.body(), flags, 0);
                out.append(')');
            } else if (n instanceof GroupRef ref) {
                String name = javaNames.get(ref.gid());
                if (ref.byName() && name != null) {
                    out.append("\\k<").append(name).append('>');
                } else {
                    out.append("(?:\\").append(ref.gid()).append(')');
                }
            } else if (n instanceof Branch b) {
                if (wrapBranches) {
                    out.append("(?:");
                }
                for (int i = 0; i < b.alternatives().size(); i++) {
                    if (i > 0) {
                        out.append('|');
                    }
                    seq(b.alternatives().get(i), flags, after);
                }
                if (wrapBranches) {
                    out.append(')');
                }
            } else if (n instanceof GroupRefExists cond) {
                throw new IllegalArgumentException(new PyError(
                        "conditional groups like (?(1)yes|no) are not supported by the Java regex engine", cond.pos())
                        .render(source));
            } else {
                throw new IllegalStateException("Unhandled node " + n);
            }
        }

        private void charSet(CharSet set, boolean ascii) {
            if (!set.negate() && set.items().size() == 1 && set.items().get(0).kind() == ITEM_CATEGORY) {
                out.append(categoryText(set.items().get(0).lo(), ascii, false));
                return;
            }
            out.append(set.negate() ? "[^" : "[");
            for (SetItem item : set.items()) {
                if (item.kind() == ITEM_CATEGORY) {
                    out.append(categoryText(item.lo(), ascii, true));
                } else {
                    literal(out, item.lo());
                    if (item.kind() == ITEM_RANGE) {
                        out.append('-');
                        literal(out, item.hi());
                    }
                }
            }
            out.append(']');
        }

        /**
         * Writes the anchor {@code items.get(k)}; {@code after} is the least number of characters any match must
         * still consume after it. The neighbours in {@code items} let {@code \b} and {@code \B} use one
         * look-around instead of four when the character on one side is known to be a word character.
         */
        private void anchor(int kind, int flags, List<Node> items, int k, long after) {
            boolean ascii = (flags & F_ASCII) != 0;
            String word = categoryText(CAT_WORD, ascii, false);
            switch (kind) {
                case AT_BEGINNING:
                    if ((flags & F_MULTILINE) == 0) {
                        out.append("\\A");
                    } else if (after > 0) {
                        // Java's multiline ^ (Unix lines) is Python's everywhere but at the very end after a final
                        // \n, where Python's also matches; a match that must still consume a character cannot be
                        // there, so the cheap anchor is exact.
                        out.append('^');
                    } else {
                        out.append("(?<![^\\n])");
                    }
                    break;
                case AT_BEGINNING_STRING:
                    out.append("\\A");
                    break;
                case AT_END:
                    out.append('$');
                    break;
                case AT_END_STRING:
                    out.append("\\z");
                    break;
                case AT_BOUNDARY:
                case AT_NON_BOUNDARY:
                    boundary(kind == AT_BOUNDARY, word, items, k);
                    break;
                default:
                    throw new IllegalStateException("Unknown anchor " + kind);
            }
        }

        /*
         * Python's \b is "word on exactly one side", \B "word on both sides or on neither". When the pattern itself
         * puts a word character on one side (the next thing it consumes, or the last thing it consumed, can only be
         * a word character), only the other side is left to test.
         */
        private void boundary(boolean boundary, String word, List<Node> items, int k) {
            boolean wordBefore = endsWithWord(items, k);
            boolean wordAfter = startsWithWord(items, k + 1);
            if (wordBefore && wordAfter) {
                out.append(boundary ? "(?!)" : "(?:)");
            } else if (wordAfter) {
                lookbehind = true;
                Node next = items.get(k + 1);
                if (boundary && next instanceof Lit lit) {
                    // Tried at every start position: the cheap look-ahead at the literal fails first on nearly all.
                    out.append("(?=");
                    literal(out, lit.cp());
                    out.append(')');
                }
                out.append(boundary ? "(?<!" : "(?<=").append(word).append(')');
            } else if (wordBefore) {
                out.append(boundary ? "(?!" : "(?=").append(word).append(')');
            } else {
                lookbehind = true;
                if (boundary) {
                    out.append("(?:(?<=").append(word).append(")(?!").append(word).append(")|(?<!")
                            .append(word).append(")(?=").append(word).append("))");
                } else {
                    // Python's \B never matches in an empty string (Python 3.11 _sre), Java's would.
                    out.append("(?:(?<=").append(word).append(")(?=").append(word).append(")|(?<!")
                            .append(word).append(")(?!").append(word).append(")(?!\\A\\z))");
                }
            }
        }

        private void repeat(Repeat r, int flags, long after) {
            List<Node> items = r.item().items();
            boolean single = items.size() == 1 && !(items.get(0) instanceof Branch) && !(items.get(0) instanceof Repeat)
                    && !(items.get(0) instanceof At);
            if (single) {
                node(items.get(0), flags, true, after);
            } else {
                out.append("(?:");
                seq(r.item(), flags, after);
                out.append(')');
            }
            long min = Math.min(r.min(), Integer.MAX_VALUE - 1L);
            // java.util.regex counts in int; a bound beyond that is unreachable on any line, so it is unbounded.
            boolean unbounded = r.max() >= Integer.MAX_VALUE;
            long max = unbounded ? -1 : r.max();
            if (min == 0 && unbounded) {
                out.append('*');
            } else if (min == 1 && unbounded) {
                out.append('+');
            } else if (min == 0 && max == 1) {
                out.append('?');
            } else if (unbounded) {
                out.append('{').append(min).append(",}");
            } else if (min == max) {
                out.append('{').append(min).append('}');
            } else {
                out.append('{').append(min).append(',').append(max).append('}');
            }
            if (r.mode() == LAZY) {
                out.append('?');
            } else if (r.mode() == POSSESSIVE) {
                out.append('+');
            }
        }

        private void group(Group g, int flags, long after) {
            if (g.gid() != 0) {
                String name = javaNames.get(g.gid());
                out.append(name == null ? "(" : "(?<" + name + ">");
                seq(g.body(), flags, after);
                out.append(')');
                return;
            }
            int add = g.addFlags();
            int del = g.delFlags();
            int inner = flags;
            if ((add & TYPE_FLAGS) != 0) {
                inner &= ~TYPE_FLAGS;
            }
            inner = (inner | add) & ~del;
            StringBuilder on = new StringBuilder();
            StringBuilder off = new StringBuilder();
            if ((add & F_IGNORECASE) != 0) {
                on.append('i');
            }
            if ((add & F_MULTILINE) != 0) {
                on.append('m');
            }
            if ((add & F_DOTALL) != 0) {
                on.append('s');
            }
            if ((add & F_UNICODE) != 0) {
                on.append('u');
            }
            if ((del & F_IGNORECASE) != 0) {
                off.append('i');
            }
            if ((del & F_MULTILINE) != 0) {
                off.append('m');
            }
            if ((del & F_DOTALL) != 0) {
                off.append('s');
            }
            if ((add & F_ASCII) != 0) {
                off.append('u');
            }
            out.append("(?").append(on);
            if (off.length() > 0) {
                out.append('-').append(off);
            }
            out.append(':');
            seq(g.body(), inner, after);
            out.append(')');
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Which side of a \b is known to be a word character. Conservative: false whenever unsure. Only nodes in
    // the same flag scope count (no flag-changing group is entered), so "word" means the same class as the \b's.

    /** Whether every match of {@code items[from..]} starts with a word character (zero-width items skipped). */
    private static boolean startsWithWord(List<Node> items, int from) {
        for (int k = from; k < items.size(); k++) {
            Node n = items.get(k);
            if (n instanceof At || n instanceof Assert) {
                continue;
            }
            if (n instanceof Repeat r && r.min() == 0) {
                // No repetition leaves the next item first.
                if (!startsWithWord(r.item().items(), 0)) {
                    return false;
                }
                continue;
            }
            return firstIsWord(n);
        }
        return false;
    }

    /** Whether every match of {@code items[0..end)} ends with a word character (zero-width items skipped). */
    private static boolean endsWithWord(List<Node> items, int end) {
        for (int k = end - 1; k >= 0; k--) {
            Node n = items.get(k);
            if (n instanceof At || n instanceof Assert) {
                continue;
            }
            if (n instanceof Repeat r && r.min() == 0) {
                if (!endsWithWord(r.item().items(), r.item().items().size())) {
                    return false;
                }
                continue;
            }
            return lastIsWord(n);
        }
        return false;
    }

    private static boolean firstIsWord(Node n) {
        if (n instanceof Repeat r) {
            return startsWithWord(r.item().items(), 0);
        }
        if (n instanceof Group g) {
            return g.addFlags() == 0 && g.delFlags() == 0 && startsWithWord(g.body().items(), 0);
        }
        if (n instanceof Atomic a) {
            return startsWithWord(a.body().items(), 0);
        }
        if (n instanceof Branch b) {
            return b.alternatives().stream().allMatch(alt -> startsWithWord(alt.items(), 0));
        }
        return isWordAtom(n);
    }

    private static boolean lastIsWord(Node n) {
        if (n instanceof Repeat r) {
            return endsWithWord(r.item().items(), r.item().items().size());
        }
        if (n instanceof Group g) {
            return g.addFlags() == 0 && g.delFlags() == 0 && endsWithWord(g.body().items(), g.body().items().size());
        }
        if (n instanceof Atomic a) {
            return endsWithWord(a.body().items(), a.body().items().size());
        }
        if (n instanceof Branch b) {
            return b.alternatives().stream().allMatch(alt -> endsWithWord(alt.items(), alt.items().size()));
        }
        return isWordAtom(n);
    }

    /*
     * A one-character node that matches only word characters in both modes and with or without case folding:
     * ASCII letters, digits and '_' (every character Java's or Python's case folding maps to an ASCII letter is
     * a letter: K, ſ, ı, İ), ranges inside a-z, A-Z or 0-9, and the \d and \w classes of the current mode.
     */
    private static boolean isWordAtom(Node n) {
        if (n instanceof Lit lit) {
            return isAsciiWord(lit.cp());
        }
        if (n instanceof CharSet set) {
            if (set.negate() || set.items().isEmpty()) {
                return false;
            }
            for (SetItem item : set.items()) {
                boolean word;
                if (item.kind() == ITEM_CATEGORY) {
                    word = item.lo() == CAT_DIGIT || item.lo() == CAT_WORD;
                } else if (item.kind() == ITEM_RANGE) {
                    word = (item.lo() >= 'a' && item.hi() <= 'z') || (item.lo() >= 'A' && item.hi() <= 'Z')
                            || (item.lo() >= '0' && item.hi() <= '9');
                } else {
                    word = isAsciiWord(item.lo());
                }
                if (!word) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean isAsciiWord(int cp) {
        return isAsciiLetter(cp) || (cp >= '0' && cp <= '9') || cp == '_';
    }

    private static String categoryText(int cat, boolean ascii, boolean inSet) {
        String word = ascii ? ASCII_WORD_ITEMS : UNI_WORD_ITEMS;
        String space = ascii ? ASCII_SPACE_ITEMS : UNI_SPACE_ITEMS;
        switch (cat) {
            case CAT_DIGIT:
                return ascii ? (inSet ? "0-9" : "[0-9]") : "\\p{Nd}";
            case CAT_NOT_DIGIT:
                return ascii ? "[^0-9]" : "\\P{Nd}";
            case CAT_WORD:
                return inSet ? word : "[" + word + "]";
            case CAT_NOT_WORD:
                return "[^" + word + "]";
            case CAT_SPACE:
                return inSet ? space : "[" + space + "]";
            case CAT_NOT_SPACE:
                return "[^" + space + "]";
            default:
                throw new IllegalStateException("Unknown category " + cat);
        }
    }

    private static void literal(StringBuilder out, int cp) {
        if (cp < 0x80) {
            if (isAsciiLetter(cp) || (cp >= '0' && cp <= '9') || cp == ' ' || cp == '_') {
                out.append((char) cp);
            } else if (cp > 0x20 && cp < 0x7f) {
                out.append('\\').append((char) cp);
            } else {
                out.append("\\x{").append(Integer.toHexString(cp)).append('}');
            }
        } else if (MessageTemplate.isPrintable(cp)) {
            out.appendCodePoint(cp);
        } else {
            out.append("\\x{").append(Integer.toHexString(cp)).append('}');
        }
    }
}
