package dev.incidentgateway.ingest.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 with a fixed key, plus the one comparison every authenticator must use. Kept in one place
 * so no authenticator can slip back to {@code Arrays.equals}/{@code String.equals}, whose early exit
 * leaks, byte by byte, how much of a forged signature is right.
 */
final class Hmac {
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    /** @throws IllegalArgumentException when {@code key} is empty (the message holds no key material) */
    Hmac(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("HMAC key is empty");
        }
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** The HMAC of the parts, concatenated, as if they were one message. */
    byte[] sign(byte[]... parts) {
        try {
            // Mac is not thread-safe; one per call is cheap next to an HTTP request.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is unavailable in this JVM", e);
        }
    }

    /** Constant-time for equal lengths; a signature of another length is simply wrong. */
    static boolean same(byte[] expected, byte[] received) {
        return MessageDigest.isEqual(expected, received);
    }

    @Override
    public String toString() {
        return "Hmac[" + ALGORITHM + ", key hidden]";
    }
}
