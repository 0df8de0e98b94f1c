package dev.incidentgateway.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The identity provider's signing keys, as nimbus' {@link JWKSourceBuilder} serves them: cached, fetched
 * again when a token names a {@code kid} the cache does not hold (key rotation), at most two fetches per
 * {@link #MIN_FETCH_INTERVAL} so tokens with made-up {@code kid}s cannot make the gateway hammer the
 * identity provider, and the last good keys kept through a short outage of the JWKS endpoint.
 *
 * <p>nimbus hides from its caller whether the last fetch worked: the outage-tolerant layer answers with the old
 * keys, the rate limiter refuses without fetching. So the outcome is recorded where the fetch happens (under all
 * of nimbus' layers), and {@link #lastFetchSucceeded()} lets the verifier tell "the provider does not publish this
 * key" (401) from "we could not ask it" (503).
 *
 * <p>An outage of the endpoint is logged here, where the fetches are seen: one WARN when a fetch fails after one
 * worked (or the first one fails), one INFO when a fetch works again. Every token refused meanwhile would otherwise
 * add a WARN of its own, and a flood of tokens during an outage would bury the log.
 */
final class OidcKeySource {
    private static final Logger LOG = LoggerFactory.getLogger(OidcKeySource.class);
    /** Per HTTP call (discovery or JWKS): a hung identity provider costs a request a few seconds, not a thread. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    /** Real JWKS documents are a few KiB; anything far bigger is not one. */
    static final int SIZE_LIMIT_BYTES = 256 * 1024;
    static final Duration CACHE_TTL = Duration.ofMinutes(5);
    /** How long a request waits for another thread's fetch of the same keys before giving up. */
    static final Duration REFRESH_WAIT = Duration.ofSeconds(8);
    /** Short, so a key the provider rotated in is trusted within seconds; two JWKS fetches per interval cost it nothing. */
    static final Duration MIN_FETCH_INTERVAL = Duration.ofSeconds(IdentityProviderUnavailableException.RETRY_AFTER_SECONDS);
    /**
     * Keys fetched before the endpoint went down keep verifying tokens this long. Short, because a key the
     * identity provider withdrew during that outage (say, a leaked one) stays trusted until it ends.
     */
    static final Duration OUTAGE_TOLERANCE = Duration.ofMinutes(30);

    private final Recorded origin;
    private final JWKSource<SecurityContext> keys;

    private OidcKeySource(JWKSetSource<SecurityContext> origin, Duration minFetchInterval) {
        this.origin = new Recorded(origin);
        this.keys = JWKSourceBuilder.create(this.origin)
                .cache(CACHE_TTL.toMillis(), REFRESH_WAIT.toMillis())
                // No background refresh thread: a fetch happens on the request that needs it.
                .refreshAheadCache(false)
                .rateLimited(minFetchInterval.toMillis())
                .outageTolerant(OUTAGE_TOLERANCE.toMillis())
                .build();
    }

    static OidcKeySource create(OidcSettings settings) {
        return create(settings, MIN_FETCH_INTERVAL);
    }

    /**
     * {@link #create(OidcSettings)} with a fetch interval of the caller's: for tests of the rate limit, which otherwise
     * wait out {@link #MIN_FETCH_INTERVAL} (nimbus reads the wall clock) several times each. Not a setting.
     */
    static OidcKeySource create(OidcSettings settings, Duration minFetchInterval) {
        ResourceRetriever retriever = new DefaultResourceRetriever(
                (int) CONNECT_TIMEOUT.toMillis(), (int) READ_TIMEOUT.toMillis(), SIZE_LIMIT_BYTES);
        return new OidcKeySource(settings.jwksUrl() != null
                ? new URLBasedJWKSetSource<>(settings.jwksUrl(), retriever)
                : new OidcDiscovery(settings, retriever), minFetchInterval);
    }

    /** The keys for nimbus' key selector. */
    JWKSource<SecurityContext> keys() {
        return keys;
    }

    /**
     * Whether the latest fetch of the keys (discovery included) worked. False before the first one and after a
     * failed one, until a fetch works again: while it is false, a {@code kid} missing from the cached keys may be
     * one the provider published since, so nobody can say the token is bad.
     */
    boolean lastFetchSucceeded() {
        return origin.lastFetchSucceeded;
    }

    /** Whether the keys last fetched successfully hold one with this {@code kid}, whatever its type or algorithm. */
    boolean publishes(String kid) {
        JWKSet fetched = origin.lastGood;
        return kid != null && fetched != null && fetched.getKeyByKeyId(kid) != null;
    }

    /** The fetch itself (JWKS URL or discovery), recording its outcome. */
    private static final class Recorded implements JWKSetSource<SecurityContext> {
        private final JWKSetSource<SecurityContext> source;
        private volatile boolean lastFetchSucceeded;
        private volatile JWKSet lastGood;
        /** Set by the failed fetch that logged the outage, cleared by the next fetch that works: one WARN per outage. */
        private final AtomicBoolean outage = new AtomicBoolean();

        Recorded(JWKSetSource<SecurityContext> source) {
            this.source = source;
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
                throws KeySourceException {
            try {
                JWKSet fetched = source.getJWKSet(refreshEvaluator, currentTime, context);
                lastGood = fetched;
                lastFetchSucceeded = true;
                if (outage.compareAndSet(true, false)) {
                    LOG.info("OIDC: the identity provider's signing keys were fetched again");
                }
                return fetched;
            } catch (KeySourceException | RuntimeException e) {
                lastFetchSucceeded = false;
                if (outage.compareAndSet(false, true)) {
                    LOG.warn("OIDC: cannot fetch the identity provider's signing keys ({}); tokens whose key is not "
                            + "cached get 503 until a fetch works again (logged once per outage)", e.getMessage());
                } else {
                    LOG.debug("OIDC: the identity provider's signing keys still cannot be fetched: {}", e.getMessage());
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }
}
