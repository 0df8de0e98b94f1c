package dev.incidentgateway.audit;

import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * The Ed25519 key pair that signs checkpoints (the JDK's own provider): the private key as PKCS#8 PEM, the public
 * key beside it as X.509 PEM in {@code <file>.pub} (as {@code openssl genpkey -algorithm ed25519} and
 * {@code openssl pkey -pubout} write them). Generated into the keys directory on first start unless
 * {@code GATEWAY_CHECKPOINT_KEY_FILE} names a key.
 */
public final class CheckpointKeys {
    public static final String ALGORITHM = "Ed25519";
    public static final String DEFAULT_FILE = "checkpoint-ed25519.key";
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointKeys.class);

    private CheckpointKeys() {
    }

    public static Path privateKeyFile(GatewayConfig config) {
        String configured = config.get(AuditSettings.CHECKPOINT_KEY_FILE);
        return (configured.isBlank() ? Path.of(config.get(AuditSettings.KEYS_DIR)).resolve(DEFAULT_FILE) : Path.of(configured))
                .toAbsolutePath().normalize(); // "./keys/…" reads as "keys/…" in messages
    }

    public static Path publicKeyFile(GatewayConfig config) {
        Path key = privateKeyFile(config);
        return key.resolveSibling(key.getFileName() + ".pub");
    }

    /** The signing key pair of a starting gateway; generated when the default key file does not exist yet. */
    public static CheckpointSigner forGateway(GatewayConfig config) {
        Path priv = privateKeyFile(config);
        Path pub = publicKeyFile(config);
        try {
            if (!Files.exists(priv)) {
                if (!config.get(AuditSettings.CHECKPOINT_KEY_FILE).isBlank()) {
                    throw new ConfigException(AuditSettings.CHECKPOINT_KEY_FILE.env() + ": " + priv + " does not exist");
                }
                generate(priv, pub);
            }
            KeyFiles.warnIfOpen(priv);
            if (!Files.exists(pub)) {
                throw new ConfigException(AuditSettings.CHECKPOINT_KEY_FILE.env() + ": the public key " + pub + " is missing "
                        + "(write it with: openssl pkey -in " + priv + " -pubout -out " + pub + ")");
            }
            PrivateKey privateKey = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(fromPem(Files.readString(priv))));
            CheckpointSigner signer = new CheckpointSigner(privateKey, readPublicKey(pub));
            if (!signer.pairMatches()) {
                throw new ConfigException(pub + " is not the public key of " + priv);
            }
            return signer;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException("checkpoint signing key " + priv + " (" + AuditSettings.CHECKPOINT_KEY_FILE.env() + "): "
                    + e.getMessage());
        }
    }

    /** The gateway's public key, if its key files exist (for {@code verify}; nothing is generated). */
    public static Optional<PublicKey> gatewayPublicKey(GatewayConfig config) throws IOException, GeneralSecurityException {
        Path pub = publicKeyFile(config);
        return Files.exists(pub) ? Optional.of(readPublicKey(pub)) : Optional.empty();
    }

    /** A public key from a PEM file or a file holding the base64 X.509 form (as in a checkpoint's publicKey). */
    public static PublicKey readPublicKey(Path file) throws IOException, GeneralSecurityException {
        return decodePublicKey(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static PublicKey decodePublicKey(String pemOrBase64) throws GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(fromPem(pemOrBase64)));
    }

    private static void generate(Path priv, Path pub) throws IOException, GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        // Public first: a private key file without its .pub would stop the next start.
        KeyFiles.createNew(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        if (!KeyFiles.createNew(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()))) {
            return; // another process generated the pair at the same time; the check of the pair decides
        }
        LOG.info("Generated the checkpoint signing key {} (public key {}); keep a copy of the public key with your checkpoints",
                priv, pub);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The DER bytes of a PEM block, or of plain base64 text. */
    static byte[] fromPem(String text) {
        StringBuilder b64 = new StringBuilder();
        for (String line : text.split("\\R")) {
            if (!line.startsWith("-----")) {
                b64.append(line.strip());
            }
        }
        return Base64.getDecoder().decode(b64.toString());
    }
}
