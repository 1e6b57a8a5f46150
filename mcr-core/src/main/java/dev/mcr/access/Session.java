package dev.mcr.access;

import java.time.Instant;

/**
 * A login session as clients see it (never its secret).
 *
 * @param id        the public id to revoke it by
 * @param user      the user's name
 * @param created   when it began
 * @param lastSeen  its latest use (noted at most once a minute)
 * @param expires   when it ends at the latest: the idle or the absolute timeout, whichever comes first
 * @param address   the client address at login
 * @param userAgent the user agent at login
 */
public record Session(String id, String user, Instant created, Instant lastSeen, Instant expires, String address,
                      String userAgent) {
}
