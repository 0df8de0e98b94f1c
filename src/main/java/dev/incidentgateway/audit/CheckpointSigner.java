package dev.incidentgateway.audit;

import dev.incidentgateway.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/** Signs checkpoints with the gateway's Ed25519 private key, and checks signatures against a public key. */
public final class CheckpointSigner {
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    CheckpointSigner(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** A signed checkpoint of the global chain's head. */
    public Checkpoint sign(String lastEventId, long count, String headHash, Instant time) {
        Checkpoint unsigned = new Checkpoint(lastEventId, count, headHash, time, keyId(publicKey), encode(publicKey), null);
        try {
            Signature s = Signature.getInstance(CheckpointKeys.ALGORITHM);
            s.initSign(privateKey);
            s.update(unsigned.signedBytes());
            return unsigned.withSignature(Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** True when the checkpoint's signature is valid for {@code key} (whatever public key the checkpoint names). */
    public static boolean validSignature(Checkpoint cp, PublicKey key) {
        if (cp.signature() == null) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(CheckpointKeys.ALGORITHM);
            s.initVerify(key);
            s.update(cp.signedBytes());
            return s.verify(Base64.getDecoder().decode(cp.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    boolean pairMatches() {
        Checkpoint probe = sign("probe", 0, "probe", Instant.EPOCH);
        return validSignature(probe, publicKey);
    }

    /** Base64 of the X.509 (SubjectPublicKeyInfo) form. */
    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** A short name of a public key: the first 16 hex digits of the SHA-256 of its X.509 form. */
    public static String keyId(PublicKey key) {
        return HexFormat.of().formatHex(Sha256.of(key.getEncoded()), 0, 8);
    }

    /** PEM text of the public key, for keepers of checkpoints. */
    public String publicKeyPem() {
        return CheckpointKeys.pem("PUBLIC KEY", publicKey.getEncoded()).trim().replace("\r", "");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
