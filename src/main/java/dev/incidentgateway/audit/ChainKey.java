package dev.incidentgateway.audit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The secret key of the audit chain: event hashes and the global chain are HMAC-SHA-256 under it, so someone who
 * can write the database but cannot read this key cannot produce a chain that verifies. It never leaves the
 * process: not in the database, not in a log line, not in {@link #toString()}.
 */
public final class ChainKey {
    /** Shortest key accepted: 256 bits, the HMAC-SHA-256 block strength. */
    public static final int MIN_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final String CHECK_MESSAGE = "incident-gateway chain key check";

    private final SecretKeySpec key;
    /** One initialized MAC per thread: looking up and initializing one costs more than hashing an event. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    private ChainKey(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, ALGORITHM);
    }

    /** A fresh random key (first start without a configured key). */
    public static ChainKey generate() {
        byte[] bytes = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new ChainKey(bytes);
    }

    /**
     * A key written as hex (64 or more hex digits) or base64 (standard or URL-safe) of at least 32 bytes.
     *
     * @throws IllegalArgumentException saying what is wrong, never echoing the value
     */
    public static ChainKey parse(String text) {
        String s = text == null ? "" : text.strip();
        byte[] bytes;
        if (s.length() >= 2 * MIN_BYTES && s.length() % 2 == 0 && s.matches("[0-9a-fA-F]+")) {
            bytes = HexFormat.of().parseHex(s);
        } else {
            try {
                bytes = (s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be hex or base64 of at least " + MIN_BYTES + " random bytes");
            }
        }
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("must hold at least " + MIN_BYTES + " bytes (" + bytes.length + " given)");
        }
        return new ChainKey(bytes);
    }

    /**
     * A key of its own for another use of the chain key (e.g. the MACs of credential rows): HMAC-SHA-256(chain key,
     * purpose). A MAC made for one purpose is then never valid for another, and the chain key itself signs only the chain.
     */
    public ChainKey derive(String purpose) {
        return new ChainKey(macs.get().doFinal(("incident-gateway subkey: " + purpose).getBytes(StandardCharsets.UTF_8)));
    }

    /** The key as base64, for the key file only. */
    String encoded() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** A MAC ready for use; feed it with {@link Mac#update(byte[])} for long inputs. */
    public Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has " + ALGORITHM, e);
        }
    }

    /** HMAC-SHA-256 of the UTF-8 text, as 64 lowercase hex digits. */
    public String hmacHex(String text) {
        return HexFormat.of().formatHex(macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8))); // doFinal resets it
    }

    /**
     * A value that identifies the key without revealing it (an HMAC of a fixed text), kept in the store so a
     * gateway started with another key refuses to start instead of writing a chain nobody can verify.
     */
    public String fingerprint() {
        return hmacHex(CHECK_MESSAGE);
    }

    /** Constant-time comparison of two hex hashes. */
    public static boolean sameHash(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "ChainKey[****]";
    }
}
