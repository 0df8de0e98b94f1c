package dev.incidentgateway.transport;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.HttpSettings;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Optional HTTPS on the gateway's own port from a PEM certificate (chain) and key
 * ({@code GATEWAY_TLS_CERT_FILE}, {@code GATEWAY_TLS_KEY_FILE}).
 *
 * <p>Why a KeyStore: camel-platform-http-vertx 4.18 configures TLS only from Camel's
 * {@link SSLContextParameters} (a KeyStore and its password; {@code VertxHelper.setupSSLOptions}), never from
 * Vert.x's own {@code PemKeyCertOptions}; Vert.x's PEM reader is reachable only through its internal
 * {@code KeyStoreHelper}. So Bouncy Castle's PEM parser (PKCS#8, PKCS#1 RSA and SEC1 EC keys, certificate
 * chains) reads the files into an in-memory PKCS#12 store whose password is random and never leaves memory.
 */
public final class GatewayTls {
    private GatewayTls() {
    }

    /**
     * The TLS parameters from the two files, or empty when neither is set. Fails naming the key when only one is
     * set, a file is unreadable, or it holds no certificate / no usable private key.
     */
    public static Optional<SSLContextParameters> load(GatewayConfig config) {
        String cert = config.get(HttpSettings.TLS_CERT_FILE);
        String key = config.get(HttpSettings.TLS_KEY_FILE);
        if (cert.isBlank() && key.isBlank()) {
            return Optional.empty();
        }
        if (cert.isBlank() || key.isBlank()) {
            ConfigKey<String> missing = cert.isBlank() ? HttpSettings.TLS_CERT_FILE : HttpSettings.TLS_KEY_FILE;
            ConfigKey<String> given = cert.isBlank() ? HttpSettings.TLS_KEY_FILE : HttpSettings.TLS_CERT_FILE;
            throw new ConfigException(missing.problem("must be set too when " + given.env() + " is set (HTTPS needs both)"));
        }
        List<X509Certificate> chain = readCertificates(Path.of(cert));
        PrivateKey privateKey = readPrivateKey(Path.of(key));
        requireKeyOfCertificate(privateKey, chain.get(0));
        try {
            char[] password = HexFormat.of().formatHex(randomBytes(16)).toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("gateway", privateKey, password, chain.toArray(X509Certificate[]::new));
            KeyStoreParameters storeParameters = new KeyStoreParameters();
            storeParameters.setKeyStore(store);
            KeyManagersParameters keyManagers = new KeyManagersParameters();
            keyManagers.setKeyStore(storeParameters);
            keyManagers.setKeyPassword(new String(password));
            SSLContextParameters ssl = new SSLContextParameters();
            ssl.setKeyManagers(keyManagers);
            return Optional.of(ssl);
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(HttpSettings.TLS_KEY_FILE.problem("the key does not go with the certificate of "
                    + HttpSettings.TLS_CERT_FILE.env() + " (" + e.getMessage() + ")"));
        }
    }

    /**
     * The key must be the certificate's: a key renewed without its certificate (or the other way round) was taken, the
     * gateway said "listening (HTTPS)", and every handshake then failed without a log line. Checked by signing with the
     * key and verifying with the certificate's public key (the JDK keeps no simpler match for every key type).
     */
    static void requireKeyOfCertificate(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null; // another key type: the handshake is the check
        };
        boolean matches;
        try {
            if (algorithm == null) {
                return;
            }
            byte[] probe = randomBytes(32);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false; // e.g. an EC key beside an RSA certificate
        }
        if (!matches) {
            throw new ConfigException(HttpSettings.TLS_KEY_FILE.problem("the key does not go with the certificate of "
                    + HttpSettings.TLS_CERT_FILE.env() + " (renew both together)"));
        }
    }

    /**
     * The suites the gateway's port offers: TLS 1.3's own (all AEAD), and for TLS 1.2 only ECDHE key exchange (forward
     * secrecy) with an AEAD cipher. The JDK's defaults also offer TLS 1.2 CBC suites with SHA-1/SHA-2 MACs (padding-oracle
     * prone, no longer in Mozilla's "intermediate" profile) and static-RSA ones; clients from the last decade all speak
     * one of these.
     */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Restricts an HTTPS server's options to TLS 1.2 and 1.3 and {@link #CIPHER_SUITES}. Camel builds the server's options
     * from {@link SSLContextParameters} without passing cipher suites on to Vert.x, so they are set on the options
     * themselves ({@link ServerHookVertx}); plain HTTP options are left alone.
     */
    static void restrictSuites(io.vertx.core.http.HttpServerOptions options) {
        if (!options.isSsl()) {
            return;
        }
        options.setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.2", "TLSv1.3"));
        CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    }

    /** Serves HTTPS instead of HTTP on the gateway's port when {@code tls} is present. */
    public static void apply(Main main, Optional<SSLContextParameters> tls) {
        if (tls.isEmpty()) {
            return;
        }
        main.configure().httpServer().withUseGlobalSslContextParameters(true);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                m.getCamelContext().setSSLContextParameters(tls.get());
            }
        });
    }

    static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser pem = new PEMParser(reader(HttpSettings.TLS_CERT_FILE, file))) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (ConfigException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(HttpSettings.TLS_CERT_FILE.problem("not a PEM certificate: " + file.toAbsolutePath()
                    + " (" + e.getMessage() + ")"));
        }
        if (chain.isEmpty()) {
            throw new ConfigException(HttpSettings.TLS_CERT_FILE.problem("no CERTIFICATE block in " + file.toAbsolutePath()));
        }
        return chain;
    }

    static PrivateKey readPrivateKey(Path file) {
        try (PEMParser pem = new PEMParser(reader(HttpSettings.TLS_KEY_FILE, file))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PEMKeyPair pair) {          // BEGIN RSA / EC PRIVATE KEY
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PrivateKeyInfo info) {      // BEGIN PRIVATE KEY (PKCS#8)
                    return converter.getPrivateKey(info);
                }
            }
        } catch (ConfigException e) {
            throw e; // the file could not be opened (reader() says why: permission denied is not a bad key)
        } catch (IOException | RuntimeException e) {
            // The message names the file, never its content.
            throw new ConfigException(HttpSettings.TLS_KEY_FILE.problem("not a readable PEM private key: " + file.toAbsolutePath()));
        }
        throw new ConfigException(HttpSettings.TLS_KEY_FILE.problem("no unencrypted PRIVATE KEY block in " + file.toAbsolutePath()
                + " (encrypted keys are not supported: decrypt it, e.g. openssl pkey -in key.pem -out plain.pem)"));
    }

    private static Reader reader(ConfigKey<String> key, Path file) {
        try {
            return Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ConfigException(key.problem("cannot read " + file.toAbsolutePath() + " ("
                    + (e instanceof java.nio.file.AccessDeniedException ? "permission denied for " + System.getProperty("user.name")
                    : e.getClass().getSimpleName()) + ")"));
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
