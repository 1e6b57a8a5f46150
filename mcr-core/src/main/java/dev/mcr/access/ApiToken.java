package dev.mcr.access;

import java.time.Instant;

/**
 * An API token as clients see it (never its secret).
 *
 * @param id       the public id to delete it by
 * @param name     the name its creator gave it
 * @param user     the creator
 * @param role     its role (it never gets more than its creator has at the time of use)
 * @param created  when it was created
 * @param expires  when it stops working, or {@code null}
 * @param lastUsed its latest use (noted at most once a minute), or {@code null}
 */
public record ApiToken(String id, String name, String user, Role role, Instant created, Instant expires,
                       Instant lastUsed) {
}
