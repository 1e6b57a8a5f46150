package dev.mcr.runtime;

import java.security.SecureRandom;

/**
 * Makes run ids: {@code run_} and 32 lowercase hex digits in the layout of a UUIDv7 (RFC 9562): 48 bits of Unix
 * milliseconds, the version 7, 12 bits counting runs within a millisecond, the variant, and 62 bits that are this
 * generator's random number plus a counter. So ids sort by start time (a generator never goes back in time, even
 * when its clock does), match the id rule {@code ^[A-Za-z0-9_-]{1,120}$}, and ids of two instances do not collide,
 * without a {@link SecureRandom} call per run. The id is also the run's {@value RunnerEngine#RUN_ID_ENV}.
 */
final class RunIds {

    /** The prefix of every run id. */
    static final String PREFIX = "run_";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final long node = new SecureRandom().nextLong();
    private long lastMillis = Long.MIN_VALUE;
    private int sequence;
    private long counter;

    /**
     * Returns a new id.
     *
     * @param nowMillis the current time in Unix milliseconds
     * @return the id, later than every id this generator returned before
     */
    synchronized String next(long nowMillis) {
        long millis = Math.max(nowMillis, lastMillis);
        if (millis == lastMillis) {
            if (++sequence > 0xfff) {
                millis++;
                sequence = 0;
            }
        } else {
            sequence = 0;
        }
        lastMillis = millis;
        long high = (millis & 0xffff_ffff_ffffL) << 16 | 0x7000L | sequence;
        long low = 0x8000_0000_0000_0000L | ((node + counter++) & 0x3fff_ffff_ffff_ffffL);
        char[] out = new char[PREFIX.length() + 32];
        PREFIX.getChars(0, PREFIX.length(), out, 0);
        hex(high, out, PREFIX.length());
        hex(low, out, PREFIX.length() + 16);
        return new String(out);
    }

    private static void hex(long v, char[] out, int at) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }
}
