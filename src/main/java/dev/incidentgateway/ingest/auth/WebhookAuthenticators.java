package dev.incidentgateway.ingest.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a source's {@link WebhookAuthenticator} from its descriptor's {@code auth:} block, failing fast
 * at start ({@link dev.incidentgateway.config.ConfigException}) rather than answering 401 to every
 * delivery later. The mode is always explicit: a forgotten block must not leave a source open.
 *
 * <pre>
 * auth:
 *   mode: bearer | standard-webhooks | hmac-sha256-hex | none
 *   secretEnv: PAGERDUTY_WEBHOOK_SECRET      # bearer: optional (default: the source's gateway-managed token); else required
 *   header: X-PagerDuty-Signature            # hmac-sha256-hex (default X-Hub-Signature-256)
 *   prefix: "v1="                            # hmac-sha256-hex (default "sha256=")
 *   timestampHeader: X-Grafana-Alerting-Signature-Timestamp   # hmac-sha256-hex, optional
 *   toleranceSeconds: 300                    # standard-webhooks; hmac-sha256-hex with timestampHeader
 * </pre>
 */
public final class WebhookAuthenticators {
    static final List<String> MODES = List.of(BearerTokenAuthenticator.MODE, StandardWebhooksAuthenticator.MODE,
            HmacHexAuthenticator.MODE, OpenAuthenticator.MODE);
    private static final Map<String, Set<String>> KEYS = Map.of(
            BearerTokenAuthenticator.MODE, Set.of("mode", "secretEnv"),
            StandardWebhooksAuthenticator.MODE, Set.of("mode", "secretEnv", "toleranceSeconds"),
            HmacHexAuthenticator.MODE, Set.of("mode", "secretEnv", "header", "prefix", "timestampHeader",
                    "toleranceSeconds"),
            OpenAuthenticator.MODE, Set.of("mode"));

    private WebhookAuthenticators() {
    }

    /**
     * @param sourceName   the descriptor's name ({@code connectors/<sourceName>.yaml}), used in messages
     * @param auth         the {@code auth:} node; {@code null} or missing is an error
     * @param env          the environment the secrets are read from
     * @param gatewayToken the check of this source's gateway-managed token, used when {@link #usesGatewayToken}
     * @param clock        the clock timestamps are checked against
     * @throws dev.incidentgateway.config.ConfigException naming every key at fault, never a secret's value
     */
    public static WebhookAuthenticator create(String sourceName, JsonNode auth, Map<String, String> env,
                                              TokenCheck gatewayToken, Clock clock) {
        AuthBlock block = new AuthBlock(sourceName, auth, env);
        String mode = block.mode(MODES);
        block.allowOnly(mode, KEYS.get(mode));
        return switch (mode) {
            case BearerTokenAuthenticator.MODE -> bearer(block, usesGatewayToken(auth) ? gatewayToken : null);
            case StandardWebhooksAuthenticator.MODE -> standardWebhooks(block, clock);
            case HmacHexAuthenticator.MODE -> hmacHex(block, clock);
            default -> {
                block.done();
                yield new OpenAuthenticator();
            }
        };
    }

    /**
     * The one rule for which sources take a gateway-managed token (issued by {@code webhook-token --source NAME
     * --rotate}): {@code auth.mode: bearer} without {@code auth.secretEnv}. The gateway and the CLI both ask here.
     */
    public static boolean usesGatewayToken(JsonNode auth) {
        if (auth == null || !auth.isObject()) {
            return false;
        }
        JsonNode secretEnv = auth.get("secretEnv");
        return BearerTokenAuthenticator.MODE.equals(auth.path("mode").asText()) && (secretEnv == null || secretEnv.isNull());
    }

    /** @param gatewayToken the managed token's check, or {@code null} when the source names its own secret */
    private static WebhookAuthenticator bearer(AuthBlock block, TokenCheck gatewayToken) {
        String token = block.secret(false, BearerTokenAuthenticator.MODE);
        block.done();
        if (gatewayToken != null) {
            return new BearerTokenAuthenticator(gatewayToken);
        }
        // HTTP strips surrounding whitespace from header values, so a padded token could never match.
        return new BearerTokenAuthenticator(token == null ? null : token.strip());
    }

    private static WebhookAuthenticator standardWebhooks(AuthBlock block, Clock clock) {
        String secret = block.secret(true, StandardWebhooksAuthenticator.MODE);
        var tolerance = block.tolerance();
        byte[] key = null;
        if (secret != null) {
            try {
                key = StandardWebhooksAuthenticator.decodeSecret(secret);
            } catch (IllegalArgumentException malformed) {
                block.problem("auth.secretEnv " + block.secretVariable()
                        + " does not hold a whsec_<base64> secret (" + malformed.getMessage() + ")");
            }
        }
        block.done();
        return new StandardWebhooksAuthenticator(key, tolerance, clock);
    }

    private static WebhookAuthenticator hmacHex(AuthBlock block, Clock clock) {
        String secret = block.secret(true, HmacHexAuthenticator.MODE);
        String header = block.text("header", HmacHexAuthenticator.DEFAULT_HEADER, false);
        String prefix = block.text("prefix", HmacHexAuthenticator.DEFAULT_PREFIX, true);
        String timestampHeader = block.text("timestampHeader", null, false);
        var tolerance = block.tolerance();
        if (!block.has("timestampHeader") && block.has("toleranceSeconds")) {
            block.problem("auth.toleranceSeconds needs auth.timestampHeader (without it nothing is timed)");
        }
        block.done();
        return new HmacHexAuthenticator(secret.getBytes(StandardCharsets.UTF_8), header, prefix,
                timestampHeader, tolerance, clock);
    }
}
