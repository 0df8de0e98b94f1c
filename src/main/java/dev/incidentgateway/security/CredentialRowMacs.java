package dev.incidentgateway.security;

import dev.incidentgateway.audit.ChainKey;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The MACs of credential rows ({@code api_keys}, {@code webhook_tokens}): HMAC-SHA-256 under keys derived from the chain
 * key ({@link ChainKey#derive}), which is never in the database. Whoever can write the tables but not read the chain key
 * (a database user, the runtime role) cannot make a row that grants anything: a rewritten key hash, scopes or revocation
 * no longer matches its MAC and the gateway refuses the row. Every column that grants something is covered; only
 * {@code last_used_at} is not.
 */
public final class CredentialRowMacs {
    private final ChainKey apiKeyRows;
    private final ChainKey webhookTokenRows;

    private CredentialRowMacs(ChainKey chainKey) {
        this.apiKeyRows = chainKey.derive("api-key-rows");
        this.webhookTokenRows = chainKey.derive("webhook-token-rows");
    }

    public static CredentialRowMacs from(ChainKey chainKey) {
        return new CredentialRowMacs(chainKey);
    }

    /** The MAC of an {@code api_keys} row; {@code revokedAt} null while the key is active. */
    public String apiKeyRow(String name, String keyHash, String scopes, Instant createdAt, Instant revokedAt) {
        return apiKeyRows.hmacHex(canonical(name, keyHash, scopes, time(createdAt), time(revokedAt)));
    }

    /** The MAC of a {@code webhook_tokens} row. */
    public String webhookTokenRow(String source, String tokenHash, Instant createdAt) {
        return webhookTokenRows.hmacHex(canonical(source, tokenHash, time(createdAt)));
    }

    /** Whether a stored MAC is the expected one (constant time; a missing MAC never matches). */
    public static boolean matches(String expected, String stored) {
        return ChainKey.sameHash(expected, stored == null ? null : stored.trim());
    }

    /**
     * Each value with its length in front: unambiguous whatever a value holds, so no two rows share one text (a row
     * written by hand may put separators into a value).
     */
    private static String canonical(String... values) {
        StringBuilder out = new StringBuilder();
        for (String v : values) {
            String value = v == null ? "" : v;
            out.append(value.getBytes(StandardCharsets.UTF_8).length).append(v == null ? '!' : ':').append(value).append('\n');
        }
        return out.toString();
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
