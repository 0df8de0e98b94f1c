package dev.incidentgateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 for the gateway's hashes (tokens, the timeline's hash chain, idempotency ids, fingerprints), one
 * {@link MessageDigest} per thread: {@code MessageDigest.getInstance} looks the provider's service up and constructs a new
 * instance on every call, and the writer hashes every event it stores, the edge every bearer token it checks.
 */
public final class Sha256 {
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    });

    private Sha256() {
    }

    /** The digest of the parts, in order, as if concatenated. */
    public static byte[] of(byte[]... parts) {
        MessageDigest digest = DIGEST.get();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest(); // leaves it reset for the thread's next call
    }

    /** The digest of the UTF-8 bytes of {@code text}. */
    public static byte[] of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest of the UTF-8 bytes of {@code text} as 64 lower-case hex digits. */
    public static String hex(String text) {
        return HexFormat.of().formatHex(of(text));
    }
}
